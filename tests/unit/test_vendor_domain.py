"""Vendor rules without IO: the status state machine, commission values, IBAN checks, masking, slugs."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.vendors import domain
from apps.vendors.domain import VendorStatus as S

LEGAL = {
    ("pending", "active"): "vendor.approved",
    ("pending", "rejected"): "vendor.rejected",
    ("active", "suspended"): "vendor.suspended",
    ("suspended", "active"): "vendor.reinstated",
}


@pytest.mark.parametrize(("current", "target"), list(LEGAL))
def test_legal_transitions_name_their_event(current, target):
    assert domain.transition_event(current, target) == LEGAL[(current, target)]


@pytest.mark.parametrize("current", [s.value for s in S])
@pytest.mark.parametrize("target", [s.value for s in S] + ["deleted"])
def test_every_other_transition_is_illegal(current, target):
    if (current, target) in LEGAL:
        return
    with pytest.raises(domain.IllegalTransition):
        domain.transition_event(current, target)


def test_rejected_is_final_and_says_so():
    with pytest.raises(domain.IllegalTransition, match="no further changes"):
        domain.transition_event("rejected", "active")
    with pytest.raises(domain.IllegalTransition, match="allowed: active, rejected"):
        domain.transition_event("pending", "suspended")


@pytest.mark.parametrize("iban", ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000",
                                  "de89-3704-0044-0532-0130-00", "NO9386011117947", "FR1420041010050500013M02606"])
def test_valid_ibans(iban):
    assert domain.iban_is_valid(iban)


@pytest.mark.parametrize("iban", ["GB82WEST12345698765433", "DE89370400440532013001", "XX00",
                                  "GB82WEST1234569876543", "1234567890123456", "GB82WE$T12345698765432",
                                  "GB82 WEST 1234 5698 7654 32 1234567890123456789"])
def test_invalid_ibans(iban):
    assert not domain.iban_is_valid(iban)


def test_account_numbers_and_masking():
    assert domain.account_no_is_valid("000123-456 789")
    assert not domain.account_no_is_valid("12")
    assert not domain.account_no_is_valid("12#4567")
    assert domain.last4("GB82 WEST 1234 5698 7654 32") == "5432"
    assert domain.mask(domain.last4("000123-456 789")) == "****6789"


@pytest.mark.parametrize(("percent", "bps"), [(10, 1000), ("12.5", 1250), (Decimal("0.01"), 1), (0, 0), (100, 10000)])
def test_percent_to_basis_points(percent, bps):
    assert domain.percent_to_basis_points(percent) == bps


@pytest.mark.parametrize("percent", ["100.01", "-1", "12.345", "NaN", "Infinity", "ten"])
def test_bad_percentages(percent):
    with pytest.raises(ValueError):
        domain.percent_to_basis_points(percent)


def test_commission_from_input():
    assert domain.commission_from_input("percent", Decimal("7.5"), None) == domain.CommissionValue("percent", 750)
    fixed = domain.commission_from_input("fixed", Decimal("250"), "eur")
    assert fixed == domain.CommissionValue("fixed", 250, "EUR") and fixed.unit == "minor_units"
    with pytest.raises(ValueError):
        domain.commission_from_input("fixed", Decimal("2.5"), None)  # minor units are integers
    with pytest.raises(ValueError):
        domain.commission_from_input("tiered", 1, None)


def test_slugs():
    assert domain.slugify("  Café & Crème Ltd. ") == "cafe-creme-ltd"
    assert domain.slugify("x" * 500) == "x" * 80
    assert domain.unique_slug("", "abc123") == "vendor-abc123"
    assert domain.unique_slug("acme", "abc123") == "acme-abc123"
