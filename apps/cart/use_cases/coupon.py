"""A coupon on the cart: apply it (validated through the coupons service against the cart as it is; the use is only taken at order time) or remove it; each owns its commit."""
from __future__ import annotations

from typing import Any

from apps.cart import clients
from apps.cart.config import CartSettings
from apps.cart.exceptions import CouponRejected
from apps.cart.queries import document, now
from apps.cart.repository import CartRepository
from apps.cart.use_cases.common import lock_cart, touch
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def apply_coupon(*, uow: UnitOfWork, svc: ServiceClients, settings: CartSettings, user_id: str,
                       code: str) -> tuple[dict[str, Any], clients.CouponEvaluation]:
    """Validated through the coupons service against the cart as it is; the use is only taken at order time."""
    cart = await lock_cart(uow, user_id)
    doc = document(cart, user_id, settings.default_currency)
    result = await clients.evaluate_coupon(svc, code=code, user_id=user_id, items=doc["items"],
                                           currency=doc["currency"])
    if not result.valid:
        raise CouponRejected(result.message or "This coupon does not apply to the cart.",
                             errors=[{"field": "code", "reason": result.reason, "message": result.message}])
    at = now()
    cart.coupon_code = code.strip().upper()
    touch(cart, at)
    await uow.repository(CartRepository).flush()
    uow.emit("cart.coupon_applied", {"userId": user_id, "code": cart.coupon_code, "currency": doc["currency"],
                                     "discountMinor": result.discount_minor, "at": at}, key=user_id)
    return document(cart, user_id, settings.default_currency), result


@use_case
async def remove_coupon(*, uow: UnitOfWork, settings: CartSettings, user_id: str) -> dict[str, Any]:
    cart = await lock_cart(uow, user_id)
    if cart.coupon_code is not None:
        at, code = now(), cart.coupon_code
        cart.coupon_code = None
        touch(cart, at)
        await uow.repository(CartRepository).flush()
        uow.emit("cart.coupon_removed", {"userId": user_id, "code": code,
                                         "currency": cart.currency or settings.default_currency, "at": at},
                 key=user_id)
    return document(cart, user_id, settings.default_currency)
