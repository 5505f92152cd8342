"""Coupon rules, pure: no IO, so every rule is unit-tested (tests/unit/test_coupon_rules.py).

Conventions (the HTTP contract documents them too):
- percent coupons: `value` is a whole percent, 1..100 (10 = 10 % off); fixed: minor units of the coupon currency;
- the validity window is [startsAt, endsAt): starts inclusive, ends exclusive, both UTC;
- scopes: `user` scopes restrict WHO may use the coupon (any listed user); vendor/category/product scopes select
  WHICH lines it discounts (a line matching any of them); no line scope = every line is eligible;
- the minimum order applies to the eligible subtotal; a fixed discount is capped at the eligible subtotal, then
  any discount at maxDiscountMinor;
- the discount is allocated over the eligible lines in proportion to their totals (largest remainder), so the
  per-line amounts sum exactly to the discount and no line gets more than its own total.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from kernel.money import Money

TYPES = ("percent", "fixed")
SCOPE_TYPES = ("vendor", "category", "product", "user")
LINE_SCOPES = ("vendor", "category", "product")
PERCENT_MAX = 100
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{2,39}$"


class Reason(StrEnum):
    NOT_FOUND = "not_found"
    INACTIVE = "inactive"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    USAGE_LIMIT = "usage_limit_reached"
    PER_USER_LIMIT = "per_user_limit_reached"
    USER_NOT_ELIGIBLE = "user_not_eligible"
    EMPTY = "empty_cart"
    NO_ELIGIBLE_ITEMS = "no_eligible_items"
    MIN_ORDER = "min_order_not_met"
    CURRENCY = "currency_mismatch"


MESSAGES = {
    Reason.NOT_FOUND: "No such coupon.",
    Reason.INACTIVE: "This coupon is disabled.",
    Reason.NOT_STARTED: "This coupon is not valid yet.",
    Reason.EXPIRED: "This coupon has expired.",
    Reason.USAGE_LIMIT: "This coupon has been used up.",
    Reason.PER_USER_LIMIT: "You have already used this coupon as often as allowed.",
    Reason.USER_NOT_ELIGIBLE: "This coupon is not available to your account.",
    Reason.EMPTY: "The cart is empty.",
    Reason.NO_ELIGIBLE_ITEMS: "No item in the cart is eligible for this coupon.",
    Reason.MIN_ORDER: "The eligible items do not reach this coupon's minimum order.",
    Reason.CURRENCY: "This coupon is for another currency.",
}


class RuleViolation(ValueError):
    def __init__(self, message: str, field_name: str) -> None:
        super().__init__(message)
        self.errors = [{"field": field_name, "message": message}]


def normalize_code(code: str) -> str:
    return code.strip().upper()


@dataclass(frozen=True)
class Scope:
    scope_type: str
    ref_id: str


@dataclass(frozen=True)
class Terms:
    code: str
    type: str
    value: int
    currency: str
    starts_at: datetime
    ends_at: datetime
    min_order_minor: int | None = None
    max_discount_minor: int | None = None
    usage_limit: int | None = None
    per_user_limit: int | None = None
    scopes: tuple[Scope, ...] = ()
    active: bool = True

    @property
    def has_money_terms(self) -> bool:
        """Amounts in the coupon's currency make it unusable in another currency; a plain percent is not."""
        return self.type == "fixed" or self.min_order_minor is not None or self.max_discount_minor is not None


@dataclass(frozen=True)
class Usage:
    used_count: int = 0
    user_uses: int = 0


@dataclass(frozen=True)
class Line:
    sku: str
    qty: int
    price_minor: int
    product_id: str | None = None
    vendor_id: str | None = None
    category_ids: tuple[str, ...] = ()

    @property
    def total_minor(self) -> int:
        return self.qty * self.price_minor


@dataclass(frozen=True)
class Allocation:
    sku: str
    discount_minor: int


@dataclass(frozen=True)
class Evaluation:
    valid: bool
    discount_minor: int = 0
    reason: Reason | None = None
    allocations: tuple[Allocation, ...] = field(default_factory=tuple)
    eligible_subtotal_minor: int = 0

    @property
    def message(self) -> str | None:
        return MESSAGES[self.reason] if self.reason else None


def check_terms(terms: Terms) -> None:
    """Creation-time rules that a schema cannot express on one field; raises RuleViolation."""
    if terms.type not in TYPES:
        raise RuleViolation(f"type must be one of {', '.join(TYPES)}", "type")
    if terms.type == "percent" and not 1 <= terms.value <= PERCENT_MAX:
        raise RuleViolation("a percent coupon's value is a whole percent, 1..100", "value")
    if terms.value < 1:
        raise RuleViolation("value must be positive", "value")
    if terms.ends_at <= terms.starts_at:
        raise RuleViolation("endsAt must be after startsAt", "endsAt")
    if terms.usage_limit is not None and terms.per_user_limit is not None \
            and terms.per_user_limit > terms.usage_limit:
        raise RuleViolation("perUserLimit cannot exceed usageLimit", "perUserLimit")
    for scope in terms.scopes:
        if scope.scope_type not in SCOPE_TYPES:
            raise RuleViolation(f"scopeType must be one of {', '.join(SCOPE_TYPES)}", "scopes")


def window_reason(terms: Terms, now: datetime) -> Reason | None:
    if not terms.active:
        return Reason.INACTIVE
    if now < terms.starts_at:
        return Reason.NOT_STARTED
    if now >= terms.ends_at:
        return Reason.EXPIRED
    return None


def user_reason(terms: Terms, user_id: str) -> Reason | None:
    users = {s.ref_id for s in terms.scopes if s.scope_type == "user"}
    return Reason.USER_NOT_ELIGIBLE if users and user_id not in users else None


def limit_reason(terms: Terms, usage: Usage) -> Reason | None:
    if terms.usage_limit is not None and usage.used_count >= terms.usage_limit:
        return Reason.USAGE_LIMIT
    if terms.per_user_limit is not None and usage.user_uses >= terms.per_user_limit:
        return Reason.PER_USER_LIMIT
    return None


def redeem_reason(terms: Terms, *, user_id: str, now: datetime, usage: Usage) -> Reason | None:
    """What stops one more use right now (checked again under the coupon's row lock when redeeming)."""
    return window_reason(terms, now) or user_reason(terms, user_id) or limit_reason(terms, usage)


def is_eligible(terms: Terms, line: Line) -> bool:
    line_scopes = [s for s in terms.scopes if s.scope_type in LINE_SCOPES]
    if not line_scopes:
        return True
    return any(
        (s.scope_type == "vendor" and s.ref_id == line.vendor_id)
        or (s.scope_type == "product" and s.ref_id == line.product_id)
        or (s.scope_type == "category" and s.ref_id in line.category_ids)
        for s in line_scopes)


def discount_for(terms: Terms, eligible_subtotal_minor: int) -> int:
    if terms.type == "percent":
        exact = Decimal(eligible_subtotal_minor) * Decimal(terms.value) / Decimal(PERCENT_MAX)
        amount = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    else:
        amount = terms.value
    amount = min(amount, eligible_subtotal_minor)
    if terms.max_discount_minor is not None:
        amount = min(amount, terms.max_discount_minor)
    return max(amount, 0)


def allocate(discount_minor: int, lines: list[Line], eligible: list[bool], currency: str) -> tuple[Allocation, ...]:
    """One allocation per line (0 for ineligible ones), summing exactly to `discount_minor`."""
    weights = [line.total_minor if ok else 0 for line, ok in zip(lines, eligible)]
    if discount_minor == 0 or sum(weights) == 0:
        return tuple(Allocation(line.sku, 0) for line in lines)
    shares = Money(discount_minor, currency).allocate(weights)
    return tuple(Allocation(line.sku, share.amount_minor) for line, share in zip(lines, shares))


def evaluate(terms: Terms, lines: list[Line], *, user_id: str, currency: str, now: datetime,
             usage: Usage) -> Evaluation:
    if reason := redeem_reason(terms, user_id=user_id, now=now, usage=usage):
        return Evaluation(valid=False, reason=reason)
    if terms.has_money_terms and currency != terms.currency:
        return Evaluation(valid=False, reason=Reason.CURRENCY)
    if not lines:
        return Evaluation(valid=False, reason=Reason.EMPTY)
    eligible = [is_eligible(terms, line) for line in lines]
    subtotal = sum(line.total_minor for line, ok in zip(lines, eligible) if ok)
    if not any(eligible):
        return Evaluation(valid=False, reason=Reason.NO_ELIGIBLE_ITEMS)
    if terms.min_order_minor is not None and subtotal < terms.min_order_minor:
        return Evaluation(valid=False, reason=Reason.MIN_ORDER, eligible_subtotal_minor=subtotal)
    discount = discount_for(terms, subtotal)
    return Evaluation(valid=True, discount_minor=discount, allocations=allocate(discount, lines, eligible, currency),
                      eligible_subtotal_minor=subtotal)
