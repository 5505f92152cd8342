"""pricing: the checkout totals cart shows and orders charges, to the minor unit."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from pricing import CheckoutTotals, checkout_totals, tax_minor
from pricing.settings import TaxRateSettings


@pytest.mark.parametrize(("taxable", "bps", "expected"), [
    (0, 825, 0),
    (10_000, 0, 0),          # tax-inclusive default
    (10_000, 825, 825),      # 8.25 % of 100.00
    (1_000, 2_000, 200),
    (1, 5_000, 0),           # 0.5 → 0 (half to even)
    (3, 5_000, 2),           # 1.5 → 2
    (5, 5_000, 2),           # 2.5 → 2
    (7, 5_000, 4),           # 3.5 → 4
    (1_999, 1_000, 200),     # 199.9 → 200
    (10**12, 10_000, 10**12),
])
def test_tax_is_rounded_half_to_even(taxable, bps, expected):
    assert tax_minor(taxable, bps) == expected


@pytest.mark.parametrize(("taxable", "bps", "error"), [
    (-1, 100, ValueError), (100, -1, ValueError), (100, 10_001, ValueError), (10.0, 100, TypeError),
    (100, 8.25, TypeError), (True, 100, TypeError),
])
def test_tax_refuses_nonsense(taxable, bps, error):
    with pytest.raises(error):
        tax_minor(taxable, bps)


def test_totals_tax_goods_after_discount_not_shipping():
    totals = checkout_totals(subtotal_minor=10_000, discount_minor=1_000, shipping_minor=500, tax_rate_bps=1_000,
                             currency="USD")
    assert totals.tax_minor == 900
    assert totals.total_minor == 10_000 - 1_000 + 500 + 900
    assert totals.to_api() == {"subtotalMinor": 10_000, "discountMinor": 1_000, "shippingMinor": 500,
                               "taxMinor": 900, "totalMinor": 10_400, "currency": "USD"}


def test_tax_inclusive_default_adds_nothing():
    totals = checkout_totals(subtotal_minor=2_599, discount_minor=0, shipping_minor=0, tax_rate_bps=0,
                             currency="EUR")
    assert (totals.tax_minor, totals.total_minor) == (0, 2_599)


def test_full_discount_leaves_shipping_only():
    totals = checkout_totals(subtotal_minor=1_000, discount_minor=1_000, shipping_minor=450, tax_rate_bps=2_000,
                             currency="USD")
    assert (totals.tax_minor, totals.total_minor) == (0, 450)


@pytest.mark.parametrize("kwargs", [
    {"subtotal_minor": 100, "discount_minor": 101, "shipping_minor": 0},
    {"subtotal_minor": -1, "discount_minor": 0, "shipping_minor": 0},
    {"subtotal_minor": 100, "discount_minor": 0, "shipping_minor": -5},
])
def test_totals_refuse_inconsistent_inputs(kwargs):
    with pytest.raises(ValueError):
        checkout_totals(**kwargs, tax_rate_bps=0, currency="USD")


def test_totals_model_accepts_both_spellings_and_checks_the_sum():
    camel = CheckoutTotals(subtotalMinor=100, discountMinor=10, shippingMinor=5, taxMinor=0, totalMinor=95,
                           currency="USD")
    snake = CheckoutTotals(subtotal_minor=100, discount_minor=10, shipping_minor=5, tax_minor=0, total_minor=95,
                           currency="USD")
    assert camel == snake
    with pytest.raises(ValidationError):
        CheckoutTotals(subtotalMinor=100, discountMinor=10, shippingMinor=5, taxMinor=0, totalMinor=96,
                       currency="USD")
    with pytest.raises(ValidationError):
        CheckoutTotals(subtotalMinor=100.0, discountMinor=0, shippingMinor=0, taxMinor=0, totalMinor=100,
                       currency="USD")


def test_tax_rate_setting(monkeypatch):
    assert TaxRateSettings().tax_rate_bps == 0
    monkeypatch.setenv("TAX_RATE_BPS", "825")
    assert TaxRateSettings().tax_rate_bps == 825
    monkeypatch.setenv("TAX_RATE_BPS", "20000")
    with pytest.raises(ValidationError):
        TaxRateSettings()
