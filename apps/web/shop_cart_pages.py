"""The shopper's cart: lines with quantity edit and remove, coupon apply/remove, and the server's totals
(POST /v1/checkout/summary). Every change is a form post; a refused one re-renders the cart with the API's
problem detail and its 4xx status (htmx swaps 4xx answers in)."""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Request

from apps.web.access import SHOPPER, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.shop_data import optional
from apps.web.storefront_pages import product_context

router = APIRouter()


async def cart_context(request: Request, viewer) -> dict:
    api = request.app.state.api
    cart, (summary, summary_error) = await asyncio.gather(
        api.get("/v1/cart", token=viewer.token),
        optional(api.post("/v1/checkout/summary", token=viewer.token, json={"shippingMethod": "standard"})))
    return {"cart": cart, "summary": summary, "summary_error": summary_error}


async def _cart_page(request: Request, viewer, *, error: ApiError | None = None, coupon: str = ""):
    ctx = await cart_context(request, viewer)
    ctx["coupon_input"] = coupon
    if error is None:
        return render(request, "shop/cart.html", ctx)
    return render(request, "shop/cart.html", ctx, status=error.status if error.status < 500 else 503,
                  error=error.message)


@page(router, "/cart", title="Cart", roles=SHOPPER, area="shop")
async def cart(request: Request, viewer: ViewerDep):
    return await _cart_page(request, viewer)


@action(router, "/cart/items", roles=SHOPPER)
async def add_item(request: Request, viewer: ViewerDep, sku: Annotated[str, Form(max_length=64)],
                   slug: Annotated[str, Form(max_length=220)], qty: Annotated[int, Form(ge=1, le=99)] = 1):
    try:
        await request.app.state.api.post("/v1/cart/items", token=viewer.token, json={"sku": sku, "qty": qty})
    except ApiError as exc:
        ctx = await product_context(request, viewer, slug, sku)
        return render(request, "shop/product.html", ctx, status=exc.status if exc.status < 500 else 503,
                      error=exc.message)
    return redirect("/cart", notice="Added to your cart.")


@action(router, "/cart/items/{sku}/qty", roles=SHOPPER)
async def set_qty(request: Request, sku: str, viewer: ViewerDep, qty: Annotated[int, Form(ge=1, le=99)]):
    try:
        await request.app.state.api.patch(f"/v1/cart/items/{sku}", token=viewer.token, json={"qty": qty})
    except ApiError as exc:
        return await _cart_page(request, viewer, error=exc)
    return redirect("/cart", notice="Quantity updated.")


@action(router, "/cart/items/{sku}/remove", roles=SHOPPER)
async def remove_item(request: Request, sku: str, viewer: ViewerDep):
    try:
        await request.app.state.api.delete(f"/v1/cart/items/{sku}", token=viewer.token)
    except ApiError as exc:
        return await _cart_page(request, viewer, error=exc)
    return redirect("/cart", notice="Removed from your cart.")


@action(router, "/cart/coupon", roles=SHOPPER)
async def apply_coupon(request: Request, viewer: ViewerDep, code: Annotated[str, Form(max_length=64)] = ""):
    try:
        await request.app.state.api.post("/v1/cart/apply-coupon", token=viewer.token, json={"code": code.strip()})
    except ApiError as exc:
        return await _cart_page(request, viewer, error=exc, coupon=code)
    return redirect("/cart", notice="Coupon applied.")


@action(router, "/cart/coupon/remove", roles=SHOPPER)
async def remove_coupon(request: Request, viewer: ViewerDep):
    try:
        await request.app.state.api.delete("/v1/cart/coupon", token=viewer.token)
    except ApiError as exc:
        return await _cart_page(request, viewer, error=exc)
    return redirect("/cart", notice="Coupon removed.")
