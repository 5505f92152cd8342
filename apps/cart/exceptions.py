from __future__ import annotations

from kernel.errors import Conflict, NotFound, ValidationFailed


class UnknownSku(ValidationFailed):
    title = "Unknown SKU"


class NotPurchasable(Conflict):
    title = "Item not available for sale"


class InsufficientStock(Conflict):
    title = "Insufficient stock"


class CartLineNotFound(NotFound):
    title = "Item not in cart"


class InvalidQuantity(ValidationFailed):
    title = "Invalid quantity"


class CartFull(Conflict):
    title = "Cart is full"


class CurrencyMismatch(Conflict):
    title = "Currency mismatch"


class CouponRejected(ValidationFailed):
    """422 with the coupons service's reason (errors[0].reason), e.g. expired or min_order_not_met."""

    title = "Coupon not applicable"


class ShippingNotQuotable(ValidationFailed):
    title = "Shipping not available"
