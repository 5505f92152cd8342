"""kernel.flags pure parts: validation, sticky bucketing, weight proportions (hypothesis)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

from kernel.flags import Flag, InvalidFlag, bucket, choose_variant, decide_enabled, decide_variant, in_rollout

keys = st.from_regex(r"[a-z][a-z0-9_]{1,20}", fullmatch=True)
subjects = st.text(min_size=1, max_size=40)
weights = st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.integers(0, 1000), min_size=1,
                          max_size=6).filter(lambda d: sum(d.values()) > 0)


@given(keys, subjects)
def test_bucket_is_stable_and_in_unit_interval(key, subject):
    b = bucket("variant", key, subject)
    assert 0.0 <= b < 1.0 and b == bucket("variant", key, subject)


@given(keys, subjects, weights)
def test_variant_is_sticky_and_ignores_dict_order(key, subject, w):
    chosen = choose_variant(key, subject, w)
    assert chosen == choose_variant(key, subject, dict(reversed(list(w.items()))))
    assert chosen is not None and w[chosen] > 0  # a zero-weight variant is never chosen


@given(keys, subjects, st.integers(0, 100), st.integers(0, 100))
def test_rollout_only_grows(key, subject, low, high):
    low, high = min(low, high), max(low, high)
    if in_rollout(key, subject, low):  # raising the percentage never drops a subject already in
        assert in_rollout(key, subject, high)


@settings(max_examples=20, deadline=None)
@given(keys, st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(1, 20), min_size=2, max_size=3))
def test_weights_give_proportional_shares(key, w):
    n = 20_000
    counts = Counter(choose_variant(key, f"user-{i}", w) for i in range(n))
    total = sum(w.values())
    for name, weight in w.items():
        # binomial sd at n=20k is <= 0.0036; 0.02 is > 5 sd
        assert abs(counts[name] / n - weight / total) < 0.02, (counts, w)


def test_ninety_ten_split_and_rollout_share():
    flag = Flag("reco_ab_test", enabled=True, variants={"champion": 90, "challenger": 10})
    counts = Counter(decide_variant(flag, f"u{i}") for i in range(50_000))
    assert abs(counts["challenger"] / 50_000 - 0.10) < 0.01
    half = Flag("x_flag", enabled=True, rollout_percent=50)
    share = sum(decide_enabled(half, f"u{i}") for i in range(50_000)) / 50_000
    assert abs(share - 0.5) < 0.01


def test_off_missing_and_subjectless_partial_rollout_are_off():
    assert decide_enabled(None, "u") is False and decide_variant(None, "u") is None
    off = Flag("new_checkout", enabled=False, variants={"a": 1})
    assert decide_enabled(off, "u") is False and decide_variant(off, "u") is None
    assert decide_enabled(Flag("pricing_ai", enabled=True), None) is True
    assert decide_enabled(Flag("pricing_ai", enabled=True, rollout_percent=99), None) is False
    assert decide_variant(Flag("plain", enabled=True), "u") is None  # no variants: nothing to choose
    zero = Flag("zero", enabled=True, rollout_percent=0)
    assert not any(decide_enabled(zero, f"u{i}") for i in range(1000))


@pytest.mark.parametrize("kwargs", [
    {"key": "Bad Key"}, {"key": "x"}, {"key": "a" * 65}, {"key": "ok_key", "rollout_percent": 101},
    {"key": "ok_key", "rollout_percent": -1}, {"key": "ok_key", "rollout_percent": True},
    {"key": "ok_key", "variants": {"a": -1}}, {"key": "ok_key", "variants": {"a": 0, "b": 0}},
    {"key": "ok_key", "variants": {"a": 1.5}}, {"key": "ok_key", "variants": {"bad name": 1}},
    {"key": "ok_key", "updated_at": datetime(2026, 1, 1)}, {"key": "ok_key", "description": "x" * 501},
])
def test_invalid_flags_are_refused(kwargs):
    with pytest.raises(InvalidFlag):
        Flag(**kwargs)


def test_json_round_trip():
    flag = Flag("reco_ab_test", enabled=True, rollout_percent=40, variants={"champion": 90, "challenger": 10},
                description="A/B", updated_by="admin-1", updated_at=datetime(2026, 12, 3, tzinfo=timezone.utc))
    assert Flag.from_json(flag.to_json()) == flag
