"""Lines of a shopper's cart: add an item (sellable, in stock), set its quantity, remove it; each owns its commit and emits cart.item.*."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.cart import clients, domain, projections
from apps.cart.config import CartSettings
from apps.cart.exceptions import CartLineNotFound, InsufficientStock, NotPurchasable, UnknownSku
from apps.cart.orm import Cart, CartItem, SkuCatalog
from apps.cart.queries import document, now
from apps.cart.repository import CartRepository
from apps.cart.use_cases.common import _rule, lock_cart, touch
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


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
