"""Pure catalog rules: product slugs, status transitions, visibility, price filters, variants against options."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.catalog import domain
from apps.catalog.domain import PriceRange, RuleViolation


def test_product_slugs_are_ascii_bounded_and_suffixed_when_taken():
    assert domain.product_slug("Crème Brûlée Set — 2 pcs") == "creme-brulee-set-2-pcs"
    assert domain.product_slug("!!!") == "product"  # nothing sluggable still yields a usable slug
    assert domain.product_slug("Lamp", suffix="a1b2c3d4") == "lamp-a1b2c3d4"
    long = domain.product_slug("word " * 100, suffix="a1b2c3d4")
    assert len(long) <= 109 and not long.startswith("-") and "--" not in long


@given(st.text(max_size=300))
def test_any_title_gives_a_valid_slug(title):
    import re

    assert re.match(domain.SLUG_PATTERN, domain.product_slug(title))


@pytest.mark.parametrize("current,target,by_admin,allowed", [
    ("pending", "active", True, True),       # approve
    ("pending", "draft", True, True),        # reject back to the vendor
    ("pending", "active", False, False),     # a vendor cannot approve
    ("draft", "active", True, False),        # nothing goes live unreviewed
    ("draft", "pending", False, True),       # submit
    ("active", "archived", False, True),
    ("archived", "active", False, False),
    ("archived", "pending", False, True),    # resubmission goes through review again
    ("active", "active", True, False),       # no-op is not a transition
])
def test_status_transitions(current, target, by_admin, allowed):
    assert domain.can_transition(current, target, by_admin=by_admin) is allowed


def test_public_only_when_approved_and_vendor_active():
    assert domain.is_public("active", "active")
    assert not domain.is_public("active", "suspended")
    assert not domain.is_public("active", None)  # the catalog never heard of the vendor
    assert not domain.is_public("pending", "active")


def test_price_range_is_inclusive_and_matches_any_variant():
    r = PriceRange(1000, 2000)
    assert r.contains(1000) and r.contains(2000) and not r.contains(999) and not r.contains(2001)
    assert r.matches([500, 1500, 5000]) and not r.matches([500, 5000])
    assert PriceRange(None, 10).contains(0) and PriceRange(10, None).contains(10**12)
    assert PriceRange().matches([0])


def test_price_range_refuses_inverted_or_negative_bounds():
    with pytest.raises(RuleViolation):
        PriceRange(10, 5)
    with pytest.raises(RuleViolation):
        PriceRange(-1, None)


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=20), st.integers(0, 10**9), st.integers(0, 10**9))
def test_price_bounds_agree_with_range_matching(prices, a, b):
    low, high = domain.price_bounds(prices)
    r = PriceRange(min(a, b), max(a, b))
    # A product whose whole price span lies inside the range always matches; one entirely outside never does.
    if r.contains(low) and r.contains(high):
        assert r.matches(prices)
    if high < r.min_minor or low > r.max_minor:
        assert not r.matches(prices)


def _v(sku: str, price: int = 100, currency: str = "USD", compare: int | None = None, **opts: str) -> dict:
    return {"sku": sku, "price_minor": price, "currency": currency, "compare_at_price_minor": compare,
            "option_values": opts}


OPTIONS = [{"name": "size", "values": ["S", "M"]}, {"name": "color", "values": ["red"]}]


def test_valid_variants_pass():
    domain.check_variants(OPTIONS, [_v("A", size="S", color="red"), _v("B", size="M", color="red")], max_variants=100)
    domain.check_variants([], [_v("A")], max_variants=100)


@pytest.mark.parametrize("variants,field", [
    ([], "variants"),
    ([_v("A", size="S", color="red"), _v("A", size="M", color="red")], "variants"),          # repeated SKU
    ([_v("A", size="S", color="red"), _v("B", currency="EUR", size="M", color="red")], "variants"),
    ([_v("A", compare=50, size="S", color="red")], "variants.0.compareAtPriceMinor"),
    ([_v("A", size="S")], "variants.0.optionValues"),                                        # missing option
    ([_v("A", size="XL", color="red")], "variants.0.optionValues"),                          # undeclared value
    ([_v("A", size="S", color="red"), _v("B", size="S", color="red")], "variants.1.optionValues"),  # same combo
])
def test_broken_variant_rules_name_the_field(variants, field):
    with pytest.raises(RuleViolation) as err:
        domain.check_variants(OPTIONS, variants, max_variants=100)
    assert field in [e["field"] for e in err.value.errors]


def test_variant_count_is_capped():
    with pytest.raises(RuleViolation):
        domain.check_variants([], [_v(f"S{i}") for i in range(101)], max_variants=100)
