"""Typed calls to the services cart asks while a shopper waits: inventory (availability), coupons (evaluate) and
shipping (quote). Their 4xx answers become cart errors here, so none of them can surface as a 500."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import structlog

from apps.cart.exceptions import ShippingNotQuotable
from kernel.errors import ServiceUnavailable
from kernel.service_client import ServiceClients, json_object

log = structlog.get_logger("cart.clients")


async def available_units(clients: ServiceClients, sku: str) -> int:
    """Units of `sku` a shopper could buy now; 0 when inventory has no stock row for it."""
    resp = await clients.request("inventory", "GET", f"/v1/inventory/{quote(sku, safe='')}")
    if resp.status_code == 404:
        return 0
    if resp.status_code != 200:
        raise ServiceUnavailable(f"Inventory answered {resp.status_code} for {sku}.")
    try:
        return max(int(json_object(resp, "inventory")["available"]), 0)
    except (KeyError, TypeError, ValueError):
        raise ServiceUnavailable(f"Inventory answered without a number for {sku}.") from None


@dataclass(frozen=True)
class CouponEvaluation:
    valid: bool
    discount_minor: int
    reason: str | None
    message: str | None
    allocations: list[dict[str, Any]]


async def evaluate_coupon(clients: ServiceClients, *, code: str, user_id: str, items: list[dict[str, Any]],
                          currency: str) -> CouponEvaluation:
    lines = [{"sku": i["sku"], "productId": i["productId"], "vendorId": i["vendorId"],
              "categoryIds": i.get("categoryIds") or [], "qty": i["qty"], "priceMinor": i["priceMinor"]}
             for i in items]
    resp = await clients.request("coupons", "POST", "/internal/v1/coupons/evaluate",
                                 json={"code": code, "userId": user_id, "items": lines, "currency": currency})
    if resp.status_code == 422:  # e.g. a code no coupon could have: the same answer as an unknown one
        return CouponEvaluation(False, 0, "not_found", "No such coupon.", [])
    if resp.status_code != 200:
        raise ServiceUnavailable(f"Coupons answered {resp.status_code} to evaluate.")
    body = json_object(resp, "coupons")
    try:
        allocations = [{"sku": str(a["sku"]), "discountMinor": int(a["discountMinor"])}
                       for a in body.get("allocations") or []]
        return CouponEvaluation(bool(body.get("valid")), int(body.get("discountMinor") or 0), body.get("reason"),
                                body.get("message"), allocations)
    except (KeyError, TypeError, ValueError):
        raise ServiceUnavailable("Coupons answered evaluate with a malformed body.") from None


@dataclass(frozen=True)
class ShippingQuote:
    amount_minor: int
    currency: str
    eta_days: int | None
    service_level: str
    source: str  # "quote": the shipping service's rate; "flat": CART_FLAT_SHIPPING_MINOR


async def quote_shipping(clients: ServiceClients, *, items: list[dict[str, Any]], destination: dict[str, str],
                         service_level: str) -> ShippingQuote | None:
    """The shipping service's quote, or None when it cannot answer (not deployed or unreachable) — the caller
    then charges the flat rate. A 422 (e.g. a destination it does not ship to) is the shopper's to fix."""
    body = {"items": [{"sku": i["sku"], "vendorId": i["vendorId"], "qty": i["qty"],
                       "weightGrams": i.get("weightGrams") or 0} for i in items],
            "destination": destination, "serviceLevel": service_level}
    try:
        resp = await clients.request("shipping", "POST", "/internal/v1/shipping/quote", json=body)
    except ServiceUnavailable:
        return None
    if resp.status_code in (400, 422):
        try:
            detail = resp.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        raise ShippingNotQuotable(str(detail or "Shipping cannot be quoted for this destination.")[:500])
    if resp.status_code != 200:
        log.warning("cart.shipping_quote_failed", status=resp.status_code)
        return None
    data = json_object(resp, "shipping")
    try:
        amount = int(data["amountMinor"])
    except (KeyError, TypeError, ValueError):
        log.warning("cart.shipping_quote_malformed")
        return None
    eta = data.get("etaDays")
    return ShippingQuote(max(amount, 0), str(data.get("currency") or ""), eta if isinstance(eta, int) else None,
                         str(data.get("serviceLevel") or service_level), "quote")
