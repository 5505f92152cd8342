from __future__ import annotations

from kernel.errors import Conflict, DomainError, NotFound, ValidationFailed


class OrderNotFound(NotFound):
    title = "Order not found"


class ReturnNotFound(NotFound):
    title = "Return not found"


class ItemNotFound(NotFound):
    title = "Order item not found"


class IdempotencyKeyRequired(DomainError):
    status, title, type_slug = 400, "Idempotency-Key required", "idempotency-key-required"


class EmptyCart(ValidationFailed):
    title = "Cart is empty"
    type_slug = "empty-cart"


class InvalidCart(ValidationFailed):
    title = "Cart cannot be ordered"
    type_slug = "invalid-cart"


class InvalidAddress(ValidationFailed):
    title = "Invalid shipping address"
    type_slug = "invalid-address"


class InvalidCoupon(ValidationFailed):
    title = "Coupon not applicable"
    type_slug = "invalid-coupon"


class ShippingUnavailable(ValidationFailed):
    title = "Shipping not available"
    type_slug = "shipping-unavailable"


class CouponExhausted(Conflict):
    title = "Coupon usage limit reached"
    type_slug = "coupon-exhausted"


class InsufficientStock(Conflict):
    title = "Insufficient stock"
    type_slug = "insufficient-stock"


class VendorUnavailable(Conflict):
    title = "Vendor not selling"
    type_slug = "vendor-unavailable"


class CheckoutInProgress(Conflict):
    """Another request with the same Idempotency-Key is still placing its order; retry (Retry-After) for its answer."""
    title = "Checkout in progress"
    type_slug = "checkout-in-progress"


class IllegalTransition(Conflict):
    title = "Illegal status change"
    type_slug = "illegal-transition"


class NotReturnable(Conflict):
    title = "Not returnable"
    type_slug = "not-returnable"


class InvalidReturn(ValidationFailed):
    title = "Invalid return"
