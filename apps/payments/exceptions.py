from __future__ import annotations

from kernel.errors import Conflict, DomainError, NotFound, ValidationFailed


class OrderNotFound(NotFound):
    title = "Order not found"


class IntentNotFound(NotFound):
    title = "Payment intent not found"


class PayoutNotFound(NotFound):
    title = "Payout not found"


class OrderNotPayable(Conflict):
    """Paid, failed, refunded or cancelled: there is nothing (more) to pay."""

    title = "Order is not payable"
    type_slug = "order-not-payable"


class OrderNotPaid(Conflict):
    title = "Order is not paid"
    type_slug = "order-not-paid"


class RefundExceedsCapture(Conflict):
    title = "Refund exceeds the captured amount"
    type_slug = "refund-exceeds-capture"


class InvalidRefundItems(ValidationFailed):
    title = "Invalid refund items"


class PayoutExceedsEligible(Conflict):
    title = "Payout exceeds the eligible balance"
    type_slug = "payout-exceeds-eligible"


class InvalidPayoutTransition(Conflict):
    title = "Invalid payout status change"
    type_slug = "invalid-payout-transition"


class InvalidWebhook(DomainError):
    """Bad, stale or missing signature, or a signed body that is not an event: 400, nothing recorded."""

    status, title, type_slug = 400, "Invalid webhook", "invalid-webhook"


class ProviderFailed(DomainError):
    status, title, type_slug = 502, "Payment provider error", "provider-error"


class IdempotencyKeyRequired(ValidationFailed):
    title = "Idempotency-Key required"
