"""Pure vendor rules: the status state machine, commission values, IBAN checks, masking and slugs."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class VendorStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


# (from, to) → the event that announces it. Anything not listed (incl. staying put) is a 409.
TRANSITIONS: dict[tuple[VendorStatus, VendorStatus], str] = {
    (VendorStatus.PENDING, VendorStatus.ACTIVE): "vendor.approved",
    (VendorStatus.PENDING, VendorStatus.REJECTED): "vendor.rejected",
    (VendorStatus.ACTIVE, VendorStatus.SUSPENDED): "vendor.suspended",
    (VendorStatus.SUSPENDED, VendorStatus.ACTIVE): "vendor.reinstated",
}


class IllegalTransition(ValueError):
    pass


def transition_event(current: str, target: str) -> str:
    """The event type for a legal move; IllegalTransition otherwise."""
    try:
        return TRANSITIONS[(VendorStatus(current), VendorStatus(target))]
    except (KeyError, ValueError):
        allowed = sorted(t.value for (f, t) in TRANSITIONS if f.value == current)
        raise IllegalTransition(
            f"A {current} vendor cannot become {target}" + (f" (allowed: {', '.join(allowed)})." if allowed
                                                             else " (no further changes allowed).")) from None


# ---- commission -------------------------------------------------------------------------------------------------

BASIS_POINTS_PER_PERCENT = 100
MAX_FIXED_COMMISSION_MINOR = 100_000_000


@dataclass(frozen=True)
class CommissionValue:
    type: str  # percent | fixed
    value: int  # basis points for percent, minor units for fixed
    currency: str | None = None

    @property
    def unit(self) -> str:
        return "basis_points" if self.type == "percent" else "minor_units"


def percent_to_basis_points(percent: Decimal | str | int) -> int:
    """12.5 → 1250. At most two decimals (a basis point) and within 0..100, else ValueError."""
    try:
        value = Decimal(str(percent))
    except InvalidOperation:
        raise ValueError("percent must be a number") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ValueError("percent must be between 0 and 100")
    bps = value * BASIS_POINTS_PER_PERCENT
    if bps != bps.to_integral_value():
        raise ValueError("percent allows at most two decimals")
    return int(bps)


def commission_from_input(kind: str, value: Decimal | int | str, currency: str | None) -> CommissionValue:
    if kind == "percent":
        return CommissionValue("percent", percent_to_basis_points(value))
    if kind == "fixed":
        amount = Decimal(str(value))
        if amount != amount.to_integral_value() or amount < 0 or amount > MAX_FIXED_COMMISSION_MINOR:
            raise ValueError("a fixed commission is a non-negative integer amount in minor units")
        return CommissionValue("fixed", int(amount), (currency or "USD").upper())
    raise ValueError("commissionType must be percent or fixed")


def commission_payload(rule) -> dict | None:
    """A commission rule (orm.CommissionRule, or None) as events and the HTTP views carry it."""
    if rule is None:
        return None
    unit = "basis_points" if rule.type == "percent" else "minor_units"
    return {"type": rule.type, "value": rule.value, "unit": unit, "currency": rule.currency,
            "categoryId": rule.category_id, "activeFrom": rule.active_from}


# ---- bank accounts ----------------------------------------------------------------------------------------------

_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_ACCOUNT_NO = re.compile(r"^[A-Z0-9]{4,34}$")
_SEPARATORS = re.compile(r"[\s\-]")


def normalize_account(raw: str) -> str:
    return _SEPARATORS.sub("", raw).upper()


def iban_is_valid(raw: str) -> bool:
    """ISO 13616: shape, then the mod-97 check of the rearranged digits must equal 1."""
    iban = normalize_account(raw)
    if not _IBAN.match(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def account_no_is_valid(raw: str) -> bool:
    return bool(_ACCOUNT_NO.match(normalize_account(raw)))


def last4(account: str) -> str:
    return normalize_account(account)[-4:]


def mask(last_four: str) -> str:
    return "****" + last_four


# ---- slugs ------------------------------------------------------------------------------------------------------

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")


def unique_slug(base: str, suffix: str) -> str:
    """A slug made unique by an id-derived suffix, used when the plain one is taken (or empty)."""
    return f"{base}-{suffix}" if base else f"vendor-{suffix}"
