"""Order money arithmetic: per-line discounts, vendor gross/commission/net and the shipping and tax shares
always reconcile exactly, for any prices, quantities, commissions and discounts (hypothesis)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.orders.splits import Commission, Line, allocate, line_discounts, vendor_splits
from pricing import checkout_totals

VENDORS = ["00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b",
           "00000000-0000-7000-8000-00000000000c"]
DEFAULT = Commission("percent", 1000)

lines_st = st.lists(
    st.builds(lambda i, v, q, p: Line(sku=f"SKU-{i}", vendor_id=v, qty=q, price_minor=p),
              st.integers(0, 10_000), st.sampled_from(VENDORS), st.integers(1, 50), st.integers(0, 5_000_000)),
    min_size=1, max_size=12, unique_by=lambda line: line.sku)
commission_st = st.one_of(st.builds(Commission, st.just("percent"), st.integers(0, 10_000)),
                          st.builds(Commission, st.just("fixed"), st.integers(0, 10_000_000)))


@settings(max_examples=300, deadline=None)
@given(lines=lines_st, discount_share=st.integers(0, 100), shipping=st.integers(0, 100_000),
       tax_bps=st.integers(0, 3000), rules=st.dictionaries(st.sampled_from(VENDORS), commission_st))
def test_splits_reconcile_exactly(lines, discount_share, shipping, tax_bps, rules):
    subtotal = sum(line.total_minor for line in lines)
    discount = subtotal * discount_share // 100
    totals = checkout_totals(subtotal_minor=subtotal, discount_minor=discount, shipping_minor=shipping,
                             tax_rate_bps=tax_bps, currency="USD")
    discounts = line_discounts(lines, discount)
    splits = vendor_splits(lines, discounts=discounts, shipping_minor=shipping, tax_minor=totals.tax_minor,
                           commissions=rules, default=DEFAULT)
    assert sum(discounts.values()) == discount
    assert all(0 <= discounts[line.sku] <= line.total_minor for line in lines)
    assert sum(s.gross_minor for s in splits) == subtotal - discount
    assert sum(s.shipping_minor for s in splits) == shipping
    assert sum(s.tax_minor for s in splits) == totals.tax_minor
    for s in splits:
        assert s.net_minor == s.gross_minor - s.commission_minor
        assert 0 <= s.commission_minor <= s.gross_minor and s.net_minor >= 0
        assert s.gross_minor == s.items_subtotal_minor - s.discount_minor
    assert [s.vendor_id for s in splits] == sorted({line.vendor_id for line in lines})


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(0, 10**9), weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocate_sums_exactly_even_with_zero_weights(amount, weights):
    shares = allocate(amount, weights)
    assert sum(shares) == amount and len(shares) == len(weights) and min(shares) >= 0


def test_percent_commission_is_on_gross_after_discount_with_bankers_rounding():
    a, b = VENDORS[:2]
    lines = [Line("A1", a, 2, 1000), Line("B1", b, 1, 1000)]  # 2000 + 1000
    discounts = line_discounts(lines, 300)  # 200 / 100 by line totals
    splits = vendor_splits(lines, discounts=discounts, shipping_minor=500, tax_minor=0,
                           commissions={a: Commission("percent", 1250)}, default=Commission("fixed", 150))
    sa, sb = splits
    assert (sa.gross_minor, sa.commission_minor, sa.net_minor) == (1800, 225, 1575)
    assert (sb.gross_minor, sb.commission_minor, sb.net_minor) == (900, 150, 750)  # fixed: once per order
    assert sa.shipping_minor + sb.shipping_minor == 500 and sa.shipping_minor == 333
    assert Commission("percent", 250).of(50) == 1  # 1.25 → 1 (half-even)
    assert Commission("percent", 300).of(50) == 2  # 1.5 → 2
    assert Commission("percent", 500).of(50) == 2  # 2.5 → 2


def test_coupon_allocations_are_used_when_they_add_up_else_proportional():
    a, b = VENDORS[:2]
    lines = [Line("A1", a, 1, 1000), Line("B1", b, 1, 3000)]
    assert line_discounts(lines, 500, {"B1": 500}) == {"A1": 0, "B1": 500}  # a vendor-scoped coupon
    assert line_discounts(lines, 400, {"B1": 500}) == {"A1": 100, "B1": 300}  # does not add up: by totals
    assert line_discounts(lines, 400, {"ZZ": 400}) == {"A1": 100, "B1": 300}  # unknown SKU: by totals


def test_fixed_commission_never_exceeds_gross_and_free_orders_split_evenly():
    a, b = VENDORS[:2]
    lines = [Line("A1", a, 1, 100), Line("B1", b, 1, 100)]
    splits = vendor_splits(lines, discounts=line_discounts(lines, 200), shipping_minor=501, tax_minor=0,
                           commissions={}, default=Commission("fixed", 999))
    assert [s.gross_minor for s in splits] == [0, 0]
    assert [s.commission_minor for s in splits] == [0, 0]
    assert sum(s.shipping_minor for s in splits) == 501
