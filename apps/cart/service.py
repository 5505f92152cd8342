"""Cart use cases. Never commits; the caller's unit of work does, then rewrites the Redis copy with the returned
document (apps/cart/router.py). Every change locks the shopper's cart row first, so one shopper's concurrent
requests apply one after another, and bumps the cart's version (see apps/cart/cache.py)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from apps.cart import clients, domain, projections
from apps.cart.config import CartSettings
from apps.cart.exceptions import (CartFull, CartLineNotFound, CouponRejected, CurrencyMismatch, InsufficientStock,
                                  InvalidQuantity, NotPurchasable, UnknownSku)
from apps.cart.orm import Cart, CartItem, SkuCatalog
from apps.cart.repository import CartRepository
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

_RULE_ERRORS = {"qty": InvalidQuantity, "lines": CartFull, "currency": CurrencyMismatch}


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


def _rule(check, *args) -> None:
    try:
        check(*args)
    except domain.CartRuleViolation as exc:
        raise _RULE_ERRORS[exc.kind](str(exc)) from None


async def load(uow: UnitOfWork, user_id: str) -> Cart | None:
    """The cart as committed; FOR SHARE waits for a change in flight, so the version matches the lines read."""
    return await uow.repository(CartRepository).cart(user_id)


async def lock_cart(uow: UnitOfWork, user_id: str) -> Cart:
    """The shopper's cart row, created empty if missing, locked until the unit of work ends."""
    return await uow.repository(CartRepository).lock_cart(user_id)


def touch(cart: Cart, at: datetime) -> None:
    cart.version += 1
    cart.updated_at = at
    if not cart.items:
        cart.currency = None  # an empty cart takes the next item's currency


async def _sellable(uow: UnitOfWork, sku: str) -> SkuCatalog:
    entry = (await projections.sku_entries(uow, [sku])).get(sku)
    if entry is None:
        raise UnknownSku(f"No SKU {sku!r} in the catalog.", errors=[{"field": "sku", "message": "unknown SKU"}])
    row, vendor_status = entry
    if not domain.purchasable(row.product_status, vendor_status):
        raise NotPurchasable(f"{sku} is not for sale right now (product {row.product_status}, vendor "
                             f"{vendor_status or 'not approved'}).")
    return row


async def _require_stock(svc: ServiceClients, sku: str, qty: int) -> None:
    available = await clients.available_units(svc, sku)
    if not domain.check_stock(qty, available):
        raise InsufficientStock(f"Only {available} of {sku} available; the cart would hold {qty}.",
                                errors=[{"field": "qty", "sku": sku, "available": available, "requested": qty}])


def _item_event(uow: UnitOfWork, event_type: str, line: CartItem, *, delta: int, line_qty: int, reason: str,
                at: datetime) -> None:
    uow.emit(event_type, {
        "userId": line.user_id, "sku": line.sku, "productId": line.product_id, "vendorId": line.vendor_id,
        "qty": delta, "lineQty": line_qty, "priceMinor": line.price_minor, "currency": line.currency,
        "categoryIds": list(line.category_ids or []), "reason": reason, "at": at}, key=line.user_id)


def _line(cart: Cart, sku: str) -> CartItem | None:
    return next((i for i in cart.items if i.sku == sku), None)


@use_case
async def add_item(*, uow: UnitOfWork, svc: ServiceClients, settings: CartSettings, user_id: str, sku: str,
                   qty: int) -> dict[str, Any]:
    row = await _sellable(uow, sku)
    cart = await lock_cart(uow, user_id)
    line = _line(cart, sku)
    new_qty = (line.qty if line else 0) + qty
    _rule(domain.check_qty, new_qty, settings.max_qty)
    if line is None:
        _rule(domain.check_new_line, len(cart.items), settings.max_lines)
        _rule(domain.check_currency, cart.currency, row.currency, bool(cart.items))
    await _require_stock(svc, sku, new_qty)
    at = now()
    if line is None:
        line = CartItem(user_id=user_id, sku=sku, product_id=row.product_id, vendor_id=row.vendor_id,
                        title=row.title, qty=new_qty, price_minor=row.price_minor, currency=row.currency,
                        category_ids=list(row.category_ids or []), weight_grams=row.weight_grams, added_at=at,
                        updated_at=at)
        cart.items.append(line)
        cart.currency = row.currency
    else:
        line.qty, line.updated_at = new_qty, at
    touch(cart, at)
    await uow.repository(CartRepository).flush()
    _item_event(uow, "cart.item_added", line, delta=qty, line_qty=new_qty, reason="added", at=at)
    return document(cart, user_id, settings.default_currency)


@use_case
async def set_qty(*, uow: UnitOfWork, svc: ServiceClients, settings: CartSettings, user_id: str, sku: str,
                  qty: int) -> dict[str, Any]:
    _rule(domain.check_qty, qty, settings.max_qty)
    cart = await lock_cart(uow, user_id)
    line = _line(cart, sku)
    if line is None:
        raise CartLineNotFound(f"{sku!r} is not in the cart.")
    change = domain.QtyChange.between(line.qty, qty)
    if change.event_type is None:
        return document(cart, user_id, settings.default_currency)
    if change.event_type == "cart.item_added":  # more of it: it must still be for sale and in stock
        await _sellable(uow, sku)
        await _require_stock(svc, sku, qty)
    at = now()
    line.qty, line.updated_at = qty, at
    touch(cart, at)
    await uow.repository(CartRepository).flush()
    _item_event(uow, change.event_type, line, delta=change.delta, line_qty=qty, reason="qty_changed", at=at)
    return document(cart, user_id, settings.default_currency)


@use_case
async def remove_item(*, uow: UnitOfWork, settings: CartSettings, user_id: str, sku: str) -> dict[str, Any]:
    cart = await lock_cart(uow, user_id)
    line = _line(cart, sku)
    if line is None:
        raise CartLineNotFound(f"{sku!r} is not in the cart.")
    at = now()
    cart.items.remove(line)
    touch(cart, at)
    await uow.repository(CartRepository).flush()
    _item_event(uow, "cart.item_removed", line, delta=line.qty, line_qty=0, reason="removed", at=at)
    return document(cart, user_id, settings.default_currency)


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
