from __future__ import annotations

from apps.coupons.domain import MESSAGES, Reason
from kernel.errors import Conflict, NotFound, ValidationFailed


class CouponNotFound(NotFound):
    title = "Coupon not found"


class CodeTaken(Conflict):
    title = "Coupon code already in use"


class InvalidCoupon(ValidationFailed):
    title = "Invalid coupon"


class _WithReason:
    """Carries the machine-readable reason (domain.Reason) in `errors`, so callers can map it."""

    def __init__(self, reason: Reason, detail: str | None = None) -> None:
        super().__init__(detail or MESSAGES[reason], errors=[{"field": "code", "reason": str(reason),
                                                              "message": MESSAGES[reason]}])
        self.reason = reason


class CouponExhausted(_WithReason, Conflict):
    """409: the total or the per-user usage limit is used up (or the order holds a use for someone else)."""

    title = "Coupon limit reached"


class CouponNotRedeemable(_WithReason, ValidationFailed):
    """422: outside its validity window, disabled, or not for this user."""

    title = "Coupon not redeemable"
