"""The pure rules of the real-time features: event-time buckets, trailing windows, distinct counts, dedupe."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from streams.realtime_features.logic import (
    BUCKET_SECONDS, DAY, HOUR, KINDS, MAX_MEMBERS, MAX_RECENT_IDS, WEEK, Signal, apply_signal, bucket_of,
    feature_row, feature_values, new_state, window_distinct, window_sum,
)

T0 = 1_800_000_000.0  # a whole minute, far from the epoch


def order(user: str, at: float, total: int = 1000, event_id: str | None = None, address: str = "DE|10115") -> Signal:
    signal = Signal("user", user, event_id or f"e-{at}-{total}", at)
    signal.add("orders", 1)
    signal.add("spend", total)
    signal.member("addresses", address)
    return signal


def fold(signals: list[Signal], now: float) -> dict:
    state = None
    for signal in signals:
        state = apply_signal(state, signal, now) or state
    return state


def test_buckets_are_whole_minutes_of_event_time():
    assert bucket_of(T0) == T0
    assert bucket_of(T0 + 59.9) == T0
    assert bucket_of(T0 + 60) == T0 + BUCKET_SECONDS


@pytest.mark.parametrize(("age", "counted"), [(0, True), (HOUR - 1, True), (HOUR + BUCKET_SECONDS, False)])
def test_a_bucket_counts_while_it_overlaps_the_window(age, counted):
    assert window_sum({str(int(T0)): 3}, HOUR, T0 + age) == (3 if counted else 0)


def test_buckets_after_the_instant_do_not_count():
    assert window_sum({str(int(T0 + 120)): 1, str(int(T0)): 2}, HOUR, T0 + 30) == 2


def test_distinct_members_count_by_last_seen():
    seen = {"a": T0, "b": T0 - DAY + 10, "c": T0 - DAY - 10}
    assert window_distinct(seen, DAY, T0) == 2
    assert window_distinct(seen, WEEK, T0) == 3


def test_order_count_and_spend_over_three_windows():
    signals = [order("u", T0 - 3 * DAY, 100), order("u", T0 - 2 * HOUR, 200), order("u", T0 - 60, 400),
               order("u", T0, 800)]
    values = feature_values(KINDS["user"], fold(signals, T0), T0)
    assert (values["user_orders_1h"], values["user_orders_24h"], values["user_orders_7d"]) == (2, 3, 4)
    assert values["user_spend_1h_minor"] == 1200
    assert values["user_spend_24h_minor"] == 1400
    assert values["user_spend_7d_minor"] == 1500


def test_distinct_addresses_per_user():
    signals = [order("u", T0 - 2 * DAY, address="DE|1"), order("u", T0 - HOUR, address="DE|2"),
               order("u", T0, address="DE|2")]
    values = feature_values(KINDS["user"], fold(signals, T0), T0)
    assert values["user_distinct_addresses_24h"] == 1
    assert values["user_distinct_addresses_7d"] == 2
    assert values["user_distinct_cards_24h"] == 0


def test_a_redelivered_event_changes_nothing():
    first = order("u", T0, event_id="same")
    state = apply_signal(None, first, T0)
    assert apply_signal(state, order("u", T0, event_id="same"), T0) is None
    assert feature_values(KINDS["user"], state, T0)["user_orders_1h"] == 1


def test_recent_ids_are_bounded():
    state = fold([order("u", T0 + i, event_id=f"e{i}") for i in range(MAX_RECENT_IDS + 10)], T0 + 100)
    assert len(state["ids"]) == MAX_RECENT_IDS
    assert state["ids"][-1] == f"e{MAX_RECENT_IDS + 9}"


def test_an_event_older_than_every_window_is_ignored():
    assert apply_signal(None, order("u", T0 - WEEK - 1), T0) is None


def test_a_late_event_lands_in_its_own_bucket():
    state = fold([order("u", T0, 100), order("u", T0 - 2 * HOUR, 50)], T0)
    values = feature_values(KINDS["user"], state, T0)
    assert values["user_orders_1h"] == 1 and values["user_orders_24h"] == 2
    assert state["t"] == T0  # the newest event time never moves back


def test_state_is_pruned_to_the_horizon():
    state = fold([order("u", T0 - WEEK + 30, address="DE|old"), order("u", T0 + 60, address="DE|new")], T0 + 60)
    assert list(state["sets"]["addresses"]) == ["DE|new"]
    assert list(state["sums"]["orders"]) == [str(int(T0 + 60))]


def test_distinct_sets_keep_the_most_recent_members():
    signal = Signal("device", "d", "e1", T0)
    signal.members["users"] = [f"u{i}" for i in range(MAX_MEMBERS + 5)]
    state = apply_signal(None, signal, T0)
    assert len(state["sets"]["users"]) == MAX_MEMBERS


def test_feature_row_is_as_of_now_so_windows_decay():
    state = apply_signal(None, order("u", T0), T0)
    source, row = feature_row("user:u", state, T0 + 2 * HOUR)
    assert source == "user_stream_push"
    assert row["user_id"] == "u"
    assert row["event_timestamp"] == datetime.fromtimestamp(T0 + 2 * HOUR, timezone.utc)
    assert row["user_orders_1h"] == 0 and row["user_orders_24h"] == 1


def test_feature_row_never_predates_the_newest_event():
    state = apply_signal(None, order("u", T0 + 30), T0)
    assert feature_row("user:u", state, T0)[1]["event_timestamp"].timestamp() == T0 + 30


def test_signals_round_trip_through_json():
    signal = order("u", T0)
    assert Signal.from_json(signal.to_json()) == signal
    assert signal.key == "user:u"


def test_every_kind_has_unique_feature_names_and_a_horizon():
    names = [f.name for kind in KINDS.values() for f in kind.features]
    assert len(names) == len(set(names))
    assert KINDS["user"].horizon == WEEK and KINDS["product"].horizon == DAY
    assert new_state()["t"] == 0.0
