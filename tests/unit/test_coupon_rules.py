"""apps.coupons.domain: validity, limits, scopes, amounts and the per-line allocation, without IO."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from apps.coupons.domain import (Line, Reason, RuleViolation, Scope, Terms, Usage, allocate, check_terms,
                                 discount_for, evaluate, is_eligible)

NOW = datetime(2025, 6, 1, 12, tzinfo=timezone.utc)
USER, OTHER = "0190c0de-0000-7000-8000-000000000001", "0190c0de-0000-7000-8000-000000000002"
V1, V2 = "0190c0de-0000-7000-8000-0000000000a1", "0190c0de-0000-7000-8000-0000000000b2"
CAT, PROD = "0190c0de-0000-7000-8000-0000000000c3", "0190c0de-0000-7000-8000-0000000000d4"


def terms(**overrides) -> Terms:
    base = dict(code="SAVE10", type="percent", value=10, currency="USD", starts_at=NOW - timedelta(days=1),
                ends_at=NOW + timedelta(days=1))
    return Terms(**{**base, **overrides})


def line(sku: str, qty: int, price: int, *, vendor: str = V1, product: str | None = None,
         categories: tuple[str, ...] = ()) -> Line:
    return Line(sku=sku, qty=qty, price_minor=price, vendor_id=vendor, product_id=product or f"p-{sku}",
                category_ids=categories)


def run(t: Terms, lines: list[Line], *, user: str = USER, currency: str = "USD", now: datetime = NOW,
        usage: Usage = Usage()):
    return evaluate(t, lines, user_id=user, currency=currency, now=now, usage=usage)


def test_percent_is_a_whole_percent_of_the_eligible_subtotal():
    result = run(terms(value=15), [line("A", 2, 1_000), line("B", 1, 333)])
    assert result.valid and result.discount_minor == 350  # 15 % of 2333 = 349.95 → 350
    assert sum(a.discount_minor for a in result.allocations) == 350


def test_percent_rounds_half_to_even():
    assert discount_for(terms(value=50), 5) == 2  # 2.5 → 2
    assert discount_for(terms(value=50), 7) == 4  # 3.5 → 4


def test_fixed_is_capped_at_the_eligible_subtotal_and_max_discount():
    assert discount_for(terms(type="fixed", value=5_000), 1_200) == 1_200
    assert discount_for(terms(type="fixed", value=500), 1_200) == 500
    assert discount_for(terms(value=50, max_discount_minor=300), 10_000) == 300
    assert discount_for(terms(type="fixed", value=900, max_discount_minor=300), 10_000) == 300


@pytest.mark.parametrize(("now", "reason"), [
    (NOW - timedelta(days=2), Reason.NOT_STARTED),
    (NOW + timedelta(days=1), Reason.EXPIRED),       # ends_at is exclusive
    (NOW - timedelta(days=1), None),                 # starts_at is inclusive
])
def test_validity_window(now, reason):
    result = run(terms(), [line("A", 1, 1_000)], now=now)
    assert result.reason == reason and result.valid is (reason is None)


def test_disabled_coupon_is_invalid():
    assert run(terms(active=False), [line("A", 1, 100)]).reason == Reason.INACTIVE


def test_total_and_per_user_limits():
    lines = [line("A", 1, 1_000)]
    assert run(terms(usage_limit=3), lines, usage=Usage(used_count=3)).reason == Reason.USAGE_LIMIT
    assert run(terms(usage_limit=3), lines, usage=Usage(used_count=2)).valid
    assert run(terms(per_user_limit=1), lines, usage=Usage(user_uses=1)).reason == Reason.PER_USER_LIMIT
    assert run(terms(per_user_limit=2), lines, usage=Usage(used_count=9, user_uses=1)).valid


def test_user_scope_restricts_who_not_what():
    t = terms(scopes=(Scope("user", USER),))
    assert run(t, [line("A", 1, 1_000)]).discount_minor == 100
    assert run(t, [line("A", 1, 1_000)], user=OTHER).reason == Reason.USER_NOT_ELIGIBLE


def test_line_scopes_select_eligible_lines_by_any_match():
    t = terms(scopes=(Scope("vendor", V2), Scope("category", CAT), Scope("product", PROD)))
    assert is_eligible(t, line("A", 1, 1, vendor=V2))
    assert is_eligible(t, line("B", 1, 1, categories=("x", CAT)))
    assert is_eligible(t, line("C", 1, 1, product=PROD))
    assert not is_eligible(t, line("D", 1, 1))
    assert is_eligible(terms(), line("E", 1, 1))  # no line scope: everything


def test_scoped_discount_applies_to_eligible_lines_only():
    t = terms(value=10, scopes=(Scope("vendor", V2),))
    result = run(t, [line("A", 1, 5_000), line("B", 2, 1_000, vendor=V2)])
    assert result.valid and result.discount_minor == 200 and result.eligible_subtotal_minor == 2_000
    assert [(a.sku, a.discount_minor) for a in result.allocations] == [("A", 0), ("B", 200)]


def test_no_eligible_line_and_empty_cart():
    t = terms(scopes=(Scope("vendor", V2),))
    assert run(t, [line("A", 1, 5_000)]).reason == Reason.NO_ELIGIBLE_ITEMS
    assert run(terms(), []).reason == Reason.EMPTY


def test_minimum_order_counts_the_eligible_subtotal_only():
    t = terms(min_order_minor=2_000, scopes=(Scope("vendor", V2),))
    short = run(t, [line("A", 10, 1_000), line("B", 1, 1_999, vendor=V2)])
    assert short.reason == Reason.MIN_ORDER and short.eligible_subtotal_minor == 1_999
    assert run(t, [line("A", 10, 1_000), line("B", 1, 2_000, vendor=V2)]).valid


def test_currency_matters_only_for_money_terms():
    lines = [line("A", 1, 1_000)]
    assert run(terms(), lines, currency="EUR").valid  # a plain percentage works in any currency
    assert run(terms(type="fixed", value=100), lines, currency="EUR").reason == Reason.CURRENCY
    assert run(terms(min_order_minor=10), lines, currency="EUR").reason == Reason.CURRENCY


def test_allocation_sums_exactly_and_never_exceeds_a_line():
    lines = [line("A", 1, 1), line("B", 3, 333), line("C", 7, 1_001), line("D", 1, 0)]
    for discount in (0, 1, 2, 7, 100, 999, 8_007):
        shares = allocate(discount, lines, [True] * 4, "USD")
        assert sum(a.discount_minor for a in shares) == discount
        assert all(0 <= a.discount_minor <= ln.total_minor for a, ln in zip(shares, lines))


def test_full_fixed_discount_allocates_each_line_its_total():
    lines = [line("A", 2, 150), line("B", 1, 99)]
    result = run(terms(type="fixed", value=10_000), lines)
    assert result.discount_minor == 399
    assert [a.discount_minor for a in result.allocations] == [300, 99]


def test_free_items_get_no_discount():
    result = run(terms(type="fixed", value=500), [line("A", 1, 0)])
    assert result.valid and result.discount_minor == 0
    assert [a.discount_minor for a in result.allocations] == [0]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"value": 101}, "value"),
    ({"value": 0}, "value"),
    ({"type": "bogo"}, "type"),
    ({"ends_at": NOW - timedelta(days=1)}, "endsAt"),
    ({"usage_limit": 1, "per_user_limit": 2}, "perUserLimit"),
    ({"scopes": (Scope("store", "x"),)}, "scopes"),
])
def test_creation_rules(overrides, field):
    with pytest.raises(RuleViolation) as err:
        check_terms(terms(**overrides))
    assert err.value.errors[0]["field"] == field


def test_fixed_value_may_exceed_100():
    check_terms(terms(type="fixed", value=25_000))
