"""Money rules of payments (apps/payments/domain.py), with hypothesis: every split sums to what it splits."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.payments import domain

amounts = st.integers(min_value=0, max_value=10**9)
weights_st = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=8)


@given(amounts, weights_st)
def test_allocate_sums_exactly_and_stays_near_proportional(amount, weights):
    shares = domain.allocate(amount, weights)
    assert sum(shares) == amount and all(s >= 0 for s in shares)
    total = sum(weights) or len(weights)
    effective = weights if sum(weights) else [1] * len(weights)
    for share, w in zip(shares, effective):
        assert abs(share * total - amount * w) < total  # within one minor unit of the exact share


def test_provider_fee_rounds_half_even():
    assert domain.provider_fee(10_000, fee_bps=290, fixed_minor=30) == 320
    assert domain.provider_fee(50, fee_bps=100, fixed_minor=0) == 0  # 0.5 → 0 (even)
    assert domain.provider_fee(150, fee_bps=100, fixed_minor=0) == 2  # 1.5 → 2 (even)
    assert domain.provider_fee(0, fee_bps=290, fixed_minor=30) == 0


splits_st = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 10**6)), min_size=1, max_size=6)


@given(splits_st, st.integers(0, 10**6))
def test_vendor_earnings_share_the_fee_and_reconcile(raw, fees):
    splits = [domain.VendorSplit(f"v{i}", g, min(c, g)) for i, (g, c) in enumerate(raw)]
    figures = domain.vendor_earnings(splits, fees_minor=fees)
    assert sum(f.fees_minor for f in figures.values()) == fees
    for s in splits:
        f = figures[s.vendor_id]
        assert f.gross_minor == s.gross_minor and f.commission_minor == s.commission_minor
        assert f.net_minor == f.gross_minor - f.commission_minor - f.fees_minor
    assert sum(f.net_minor for f in figures.values()) == \
        sum(s.gross_minor - s.commission_minor for s in splits) - fees


def test_two_vendor_order_example():
    splits = [domain.VendorSplit("a", 7_000, 700), domain.VendorSplit("b", 3_000, 450)]
    fee = domain.provider_fee(10_500, fee_bps=290, fixed_minor=30)  # 304.5 → 304 (+30) = 334
    figures = domain.vendor_earnings(splits, fees_minor=fee)
    assert fee == 334 and figures["a"].fees_minor == 234 and figures["b"].fees_minor == 100
    assert figures["a"].net_minor == 6_066 and figures["b"].net_minor == 2_450


@given(st.integers(1, 10**7), st.data())
def test_remaining_figures_shrink_proportionally(gross, data):
    commission = data.draw(st.integers(0, gross))
    fees = data.draw(st.integers(0, gross - commission))
    refunded = data.draw(st.integers(0, gross))
    now = domain.remaining_figures(domain.Figures(gross, commission, fees), refunded)
    assert now.gross_minor == gross - refunded
    assert now.net_minor == now.gross_minor - now.commission_minor - now.fees_minor
    assert 0 <= now.commission_minor <= commission and 0 <= now.fees_minor <= fees
    assert abs(now.commission_minor * gross - commission * (gross - refunded)) <= gross
    if refunded == gross:
        assert (now.gross_minor, now.commission_minor, now.fees_minor, now.net_minor) == (0, 0, 0, 0)
    if refunded == 0:
        assert now == domain.Figures(gross, commission, fees)


vendors_st = st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 10**6), min_size=1, max_size=6)


@settings(max_examples=300)
@given(vendors_st, st.integers(0, 10**5), st.data())
def test_refund_shares_reconcile_and_never_exceed_what_vendors_have(gross, house, data):
    total = sum(gross.values()) + house
    amount = data.draw(st.integers(1, max(total, 1)))
    remaining = {v: data.draw(st.integers(0, g)) for v, g in gross.items()}
    shares = domain.refund_shares(amount, weights=gross, remaining_gross=remaining, house_weight=house)
    vendor_part = sum(s for v, s in shares.items() if v != domain.HOUSE)
    assert vendor_part + shares[domain.HOUSE] == amount
    assert all(0 <= shares[v] <= remaining[v] for v in gross)
    assert shares[domain.HOUSE] >= 0


@given(vendors_st, st.integers(0, 10**5))
def test_refunding_the_whole_order_takes_each_vendor_gross(gross, house):
    total = sum(gross.values()) + house
    if total == 0:
        return
    shares = domain.refund_shares(total, weights=gross, remaining_gross=dict(gross), house_weight=house)
    assert all(shares[v] == g for v, g in gross.items()) and shares[domain.HOUSE] == house


@given(vendors_st, st.integers(1, 10**6))
def test_a_full_refund_empties_every_earning(remaining, amount):
    amount = max(amount, sum(remaining.values()))
    shares = domain.refund_shares(amount, weights={v: 1 for v in remaining}, remaining_gross=remaining, full=True)
    assert {v: shares[v] for v in remaining} == remaining
    assert shares[domain.HOUSE] == amount - sum(remaining.values())


def test_item_refund_beyond_the_items_value_leaves_the_excess_to_the_house():
    # Refunding a 3000 item plus 500 shipping: the vendor bears the item, the marketplace the shipping.
    shares = domain.refund_shares(3_500, weights={"a": 3_000, "b": 0}, remaining_gross={"a": 7_000, "b": 3_000})
    assert shares == {"a": 3_000, "b": 0, domain.HOUSE: 500}
    half = domain.refund_shares(1_000, weights={"a": 3_000, "b": 1_000}, remaining_gross={"a": 7_000, "b": 3_000})
    assert half == {"a": 750, "b": 250, domain.HOUSE: 0}


@given(st.lists(st.integers(-500, 10**6), max_size=10), st.data())
def test_allocate_payout_covers_exactly_oldest_first(payables, data):
    available = [(f"e{i}", p) for i, p in enumerate(payables) if p > 0]
    cap = sum(p for _, p in available)
    if cap == 0:
        with pytest.raises(ValueError):
            domain.allocate_payout(1, available)
        return
    amount = data.draw(st.integers(1, cap))
    taken = domain.allocate_payout(amount, available)
    assert sum(t for _, t in taken) == amount and all(t > 0 for _, t in taken)
    payable = dict(available)
    assert all(t <= payable[e] for e, t in taken)
    ids = [e for e, _ in available]
    assert [e for e, _ in taken] == ids[:len(taken)]  # FIFO: a prefix of the oldest


def test_allocate_payout_refuses_more_than_available():
    with pytest.raises(ValueError):
        domain.allocate_payout(101, [("a", 60), ("b", 40)])


@pytest.mark.parametrize("current,target,ok", [
    ("requested", "processing", True), ("requested", "paid", True), ("requested", "failed", True),
    ("processing", "paid", True), ("processing", "failed", True), ("processing", "requested", False),
    ("paid", "failed", False), ("paid", "processing", False), ("failed", "paid", False),
    ("failed", "processing", False),
])
def test_payout_state_machine(current, target, ok):
    assert domain.can_transition(current, target) is ok
