"""My orders: the list, and one order with its timeline, shipment tracking (GET /v1/shipping/track per tracking
number), a return request, and a review of each delivered item (the reviews service decides who may review)."""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Request

from apps.web.access import SHOPPER, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.shop_data import optional

router = APIRouter()
PER_PAGE = 20


@page(router, "/orders", title="My orders", roles=SHOPPER, area="account")
async def orders(request: Request, viewer: ViewerDep, page_no: int = 1):
    found = await request.app.state.api.get("/v1/me/orders", token=viewer.token,
                                            params={"page": max(1, page_no), "perPage": PER_PAGE})
    pages = max(1, -(-int(found.get("total", 0)) // PER_PAGE))
    return render(request, "shop/orders.html", {"orders": found, "page_no": page_no, "pages": pages})


async def order_context(request: Request, viewer, order_no: str) -> dict:
    api = request.app.state.api
    order = await api.get(f"/v1/orders/{order_no}", token=viewer.token)
    numbers = list(dict.fromkeys(i["trackingNo"] for i in order.get("items", []) if i.get("trackingNo")))
    answers = await asyncio.gather(*(optional(api.get(f"/v1/shipping/track/{n}", token=viewer.token))
                                     for n in numbers))
    tracking = {n: {"info": info, "error": err} for n, (info, err) in zip(numbers, answers, strict=True)}
    delivered = [i for i in order.get("items", []) if i.get("status") == "delivered" or order["status"] == "delivered"]
    returnable = [i for i in delivered if i["qty"] > i.get("returnedQty", 0)]
    return {"order": order, "tracking": tracking, "reviewable": delivered, "returnable": returnable,
            "form": {}}


def _page(request: Request, ctx: dict, error: ApiError | None = None):
    if error is None:
        return render(request, "shop/order.html", ctx)
    return render(request, "shop/order.html", ctx, status=error.status if error.status < 500 else 503,
                  error=error.message)


@page(router, "/orders/{order_no}", title="Order", roles=SHOPPER, area="account")
async def order(request: Request, order_no: str, viewer: ViewerDep):
    return _page(request, await order_context(request, viewer, order_no))


@action(router, "/orders/{order_no}/review", roles=SHOPPER)
async def review(request: Request, order_no: str, viewer: ViewerDep,
                 product_id: Annotated[str, Form(max_length=64)], rating: Annotated[int, Form(ge=1, le=5)],
                 title: Annotated[str, Form(max_length=200)] = "", body: Annotated[str, Form(max_length=5000)] = ""):
    payload = {"productId": product_id, "orderNo": order_no, "rating": rating, "title": title.strip() or None,
               "body": body.strip() or None}
    try:
        await request.app.state.api.post("/v1/reviews", token=viewer.token, json=payload)
    except ApiError as exc:
        ctx = await order_context(request, viewer, order_no)
        ctx["form"] = {"review": payload}
        return _page(request, ctx, exc)
    return redirect(f"/orders/{order_no}", notice="Thank you! Your review is sent (it shows once approved).")


@action(router, "/orders/{order_no}/return", roles=SHOPPER)
async def request_return(request: Request, order_no: str, viewer: ViewerDep,
                         reason: Annotated[str, Form(max_length=1000)] = ""):
    form = await request.form()
    lines = []
    for key, value in form.items():
        if key.startswith("qty:") and str(value).strip() not in ("", "0"):
            try:
                lines.append({"sku": key[4:], "qty": int(str(value))})
            except ValueError:
                lines.append({"sku": key[4:], "qty": -1})  # the API names the bad line
    try:
        answer = await request.app.state.api.post(f"/v1/orders/{order_no}/returns", token=viewer.token,
                                                  json={"items": lines, "reason": reason.strip()})
    except ApiError as exc:
        ctx = await order_context(request, viewer, order_no)
        ctx["form"] = {"reason": reason}
        return _page(request, ctx, exc)
    return redirect(f"/orders/{order_no}", notice=f"Return requested ({answer.get('status', 'requested')}).")
