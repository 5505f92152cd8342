"""Checkout-side use cases: the summary a shopper sees before ordering, and the two internal routes orders calls
(the cart as it is in PostgreSQL, and "these lines were ordered")."""
from __future__ import annotations

from typing import Any

import structlog

from apps.cart import clients, domain, projections
from apps.cart import queries
from apps.cart.use_cases import common
from apps.cart.config import CartSettings
from apps.cart.repository import CartRepository
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork
from kernel.use_case import use_case
from pricing import checkout_totals

log = structlog.get_logger("cart.checkout")


async def _coupon(svc: ServiceClients, doc: dict[str, Any]) -> tuple[int, dict[str, int], dict[str, Any] | None]:
    """(discount, per-SKU allocation, what the shopper is told about the coupon)."""
    if not doc["couponCode"] or not doc["items"]:
        return 0, {}, None
    result = await clients.evaluate_coupon(svc, code=doc["couponCode"], user_id=doc["userId"], items=doc["items"],
                                           currency=doc["currency"])
    info = {"code": doc["couponCode"], "valid": result.valid, "discountMinor": result.discount_minor,
            "reason": result.reason, "message": result.message}
    if not result.valid:  # applied earlier, no longer applicable (cart or coupon changed): no discount, say why
        return 0, {}, info
    return result.discount_minor, {a["sku"]: int(a["discountMinor"]) for a in result.allocations}, info


async def _shipping(svc: ServiceClients, settings: CartSettings, doc: dict[str, Any], method: str,
                    destination: dict[str, str] | None) -> dict[str, Any]:
    """The shipping service's quote when it is deployed and a destination is known; otherwise the flat
    CART_FLAT_SHIPPING_MINOR (source "flat"). An empty cart ships nothing."""
    if not doc["items"]:
        return {"amountMinor": 0, "source": "none", "serviceLevel": method, "etaDays": None}
    if destination is not None:
        quote = await clients.quote_shipping(svc, items=doc["items"], destination=destination,
                                             service_level=method)
        if quote is not None and quote.currency in ("", doc["currency"]):
            return {"amountMinor": quote.amount_minor, "source": quote.source, "serviceLevel": quote.service_level,
                    "etaDays": quote.eta_days}
        if quote is not None:
            log.warning("cart.shipping_quote_currency", quoted=quote.currency, cart=doc["currency"])
    return {"amountMinor": settings.flat_shipping_minor, "source": "flat", "serviceLevel": method, "etaDays": None}


async def summary(*, uow: UnitOfWork, svc: ServiceClients, settings: CartSettings, doc: dict[str, Any],
                  method: str, destination: dict[str, str] | None) -> dict[str, Any]:
    discount, allocation, coupon = await _coupon(svc, doc)
    shipping = await _shipping(svc, settings, doc, method, destination)
    totals = checkout_totals(subtotal_minor=domain.subtotal_minor(doc["items"]), discount_minor=discount,
                             shipping_minor=shipping["amountMinor"], tax_rate_bps=settings.tax_rate_bps,
                             currency=doc["currency"])
    entries = await projections.sku_entries(uow, [i["sku"] for i in doc["items"]])
    items = [{**i, "lineTotalMinor": i["qty"] * i["priceMinor"], "discountMinor": allocation.get(i["sku"], 0),
              "purchasable": i["sku"] in entries and domain.purchasable(entries[i["sku"]][0].product_status,
                                                                        entries[i["sku"]][1])}
             for i in doc["items"]]
    return {"items": items, **totals.to_api(), "couponCode": doc["couponCode"], "coupon": coupon,
            "shippingMethod": method, "shipping": shipping, "taxRateBps": settings.tax_rate_bps,
            "checkoutReady": bool(items) and all(i["purchasable"] for i in items)}


async def internal_cart(*, uow: UnitOfWork, settings: CartSettings, user_id: str) -> dict[str, Any]:
    """What orders checks out: PostgreSQL's copy (never the cache), with each line's current sale status."""
    doc = queries.document(await queries.load(uow, user_id), user_id, settings.default_currency)
    entries = await projections.sku_entries(uow, [i["sku"] for i in doc["items"]])
    for item in doc["items"]:
        row, vendor_status = entries.get(item["sku"], (None, None))
        item["purchasable"] = row is not None and domain.purchasable(row.product_status, vendor_status)
        item["currentPriceMinor"] = row.price_minor if row is not None else None
    return doc


@use_case
async def checked_out(*, uow: UnitOfWork, settings: CartSettings, user_id: str, order_no: str,
                      lines: list[tuple[str, int]] | None) -> dict[str, Any] | None:
    """Take the ordered lines out of the cart (all of them unless `lines` names sku/qty pairs, so an item added
    while the order was placed stays) and drop the coupon. Repeating it for the same order changes nothing;
    returns the new document, or None when nothing changed."""
    cart = await common.lock_cart(uow, user_id)
    if cart.last_order_no == order_no:
        return None
    wanted = dict(lines) if lines is not None else {i.sku: i.qty for i in cart.items}
    taken = []
    for item in list(cart.items):
        qty = min(wanted.get(item.sku, 0), item.qty)
        if qty > 0:
            taken.append({"sku": item.sku, "qty": qty, "priceMinor": item.price_minor,
                          "productId": item.product_id, "vendorId": item.vendor_id})
            item.qty -= qty
            if item.qty == 0:
                cart.items.remove(item)
    at, currency, code = queries.now(), cart.currency or settings.default_currency, cart.coupon_code
    cart.last_order_no, cart.coupon_code = order_no, None
    common.touch(cart, at)
    await uow.repository(CartRepository).flush()
    if taken:
        uow.emit("cart.checked_out", {"userId": user_id, "orderNo": order_no, "items": taken,
                                      "subtotalMinor": domain.subtotal_minor(taken), "currency": currency,
                                      "couponCode": code, "checkedOutAt": at}, key=user_id)
    return queries.document(cart, user_id, settings.default_currency)
