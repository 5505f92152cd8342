"""Reads of the cart service: a shopper's cart and the document the API answers with."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from apps.cart.orm import Cart, CartItem
from apps.cart.repository import CartRepository
from kernel.uow import UnitOfWork


def now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if at else None


def item_doc(i: CartItem) -> dict[str, Any]:
    return {"sku": i.sku, "productId": i.product_id, "vendorId": i.vendor_id, "title": i.title, "qty": i.qty,
            "priceMinor": i.price_minor, "currency": i.currency, "categoryIds": list(i.category_ids or []),
            "weightGrams": i.weight_grams, "addedAt": _iso(i.added_at)}


def document(cart: Cart | None, user_id: str, default_currency: str) -> dict[str, Any]:
    """The serialized cart: what Redis caches, GET /v1/cart and the internal route show."""
    if cart is None:
        return {"userId": user_id, "version": 0, "currency": default_currency, "couponCode": None, "items": [],
                "updatedAt": None}
    return {"userId": user_id, "version": cart.version, "currency": cart.currency or default_currency,
            "couponCode": cart.coupon_code, "items": [item_doc(i) for i in cart.items],
            "updatedAt": _iso(cart.updated_at)}


async def load(uow: UnitOfWork, user_id: str) -> Cart | None:
    """The cart as committed; FOR SHARE waits for a change in flight, so the version matches the lines read."""
    return await uow.repository(CartRepository).cart(user_id)
