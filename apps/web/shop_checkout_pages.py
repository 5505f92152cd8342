"""Checkout: a saved or new address, the shipping choice (the shipping service's rates for that address), the
server's totals, and placing the order. The order's Idempotency-Key is made once when the checkout form is
rendered, so a double click (or a resubmitted form) places one order, not two."""
from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request

from apps.web.access import SHOPPER, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.shop_data import optional

router = APIRouter()
METHODS = ("standard", "express")
ADDRESS_FIELDS = ("label", "line1", "line2", "city", "state", "postalCode", "country")


def _rate_items(cart: dict) -> list[dict]:
    return [{"sku": i["sku"], "vendorId": i["vendorId"], "productId": i["productId"], "qty": i["qty"],
             "weightGrams": i.get("weightGrams")} for i in cart.get("items", [])]


async def checkout_context(request: Request, viewer, address_id: str = "", method: str = "standard") -> dict:
    api = request.app.state.api
    cart, addresses = await asyncio.gather(api.get("/v1/cart", token=viewer.token),
                                           api.get("/v1/me/addresses", token=viewer.token))
    saved = addresses.get("items", [])
    chosen = next((a for a in saved if a["id"] == address_id), None) or next(
        (a for a in saved if a.get("isDefault")), saved[0] if saved else None)
    method = method if method in METHODS else "standard"
    body: dict = {"shippingMethod": method}
    rates_call = None
    if chosen is not None:
        destination = {"country": chosen["country"], "postalCode": chosen.get("postalCode") or None,
                       "city": chosen.get("city")}
        if chosen.get("postalCode"):  # the summary's shipping quote needs both
            body["destination"] = {"country": chosen["country"], "postalCode": chosen["postalCode"]}
        if cart.get("items"):
            rates_call = api.post("/v1/shipping/rates", token=viewer.token,
                                  json={"items": _rate_items(cart), "destination": destination})
    (summary, summary_error), (rates, rates_error) = await asyncio.gather(
        optional(api.post("/v1/checkout/summary", token=viewer.token, json=body)),
        optional(rates_call) if rates_call is not None else _none())
    return {"cart": cart, "addresses": saved, "chosen": chosen, "method": method, "summary": summary,
            "summary_error": summary_error, "rates": (rates or {}).get("rates", []), "rates_error": rates_error,
            "idempotency_key": uuid.uuid4().hex, "new_address": {}}


async def _none() -> tuple[None, None]:
    return None, None


def _page(request: Request, ctx: dict, error: ApiError | None = None):
    if error is None:
        return render(request, "shop/checkout.html", ctx)
    return render(request, "shop/checkout.html", ctx, status=error.status if error.status < 500 else 503,
                  error=error.message)


@page(router, "/checkout", title="Checkout", roles=SHOPPER, area="shop", nav=False)
async def checkout(request: Request, viewer: ViewerDep, address: str = "", method: str = "standard"):
    ctx = await checkout_context(request, viewer, address, method)
    if not ctx["cart"].get("items"):
        return redirect("/cart", notice="Your cart is empty.")
    return _page(request, ctx)


@action(router, "/checkout/address", roles=SHOPPER)
async def add_address(request: Request, viewer: ViewerDep, method: Annotated[str, Form()] = "standard"):
    form = await request.form()
    fields = {k: str(form.get(k, "")).strip() for k in ADDRESS_FIELDS}
    body = {k: v for k, v in fields.items() if v}
    body["isDefault"] = form.get("isDefault") == "on"
    try:
        created = await request.app.state.api.post("/v1/me/addresses", token=viewer.token, json=body)
    except ApiError as exc:
        ctx = await checkout_context(request, viewer, "", method)
        ctx["new_address"] = fields
        return _page(request, ctx, exc)
    return redirect(f"/checkout?address={created['id']}&method={method}", notice="Address saved.")


@action(router, "/checkout/place", roles=SHOPPER)
async def place_order(request: Request, viewer: ViewerDep, address_id: Annotated[str, Form(max_length=64)],
                      method: Annotated[str, Form(max_length=20)],
                      idempotency_key: Annotated[str, Form(min_length=8, max_length=64)]):
    try:
        order = await request.app.state.api.post(
            "/v1/orders", token=viewer.token, headers={"Idempotency-Key": idempotency_key},
            json={"shippingAddressId": address_id, "shippingMethod": method})
    except ApiError as exc:
        ctx = await checkout_context(request, viewer, address_id, method)
        return _page(request, ctx, exc)
    return redirect(f"/orders/{order['orderNo']}/pay", notice=f"Order {order['orderNo']} placed. Now pay for it.")
