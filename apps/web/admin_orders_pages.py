"""Support (staff and super admin): every order and its status, refunds, and return requests (RMA). The API
enforces the order state machine and the refundable amount; these pages show its answer in words."""
from __future__ import annotations

import uuid
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Request

from apps.web.access import STAFF, ViewerDep, action, page
from apps.web.admin_common import paged, to_minor, vendor_names
from apps.web.api import ApiError
from apps.web.render import redirect, render

router = APIRouter()
ORDER_STATUSES = ("unfulfilled", "processing", "shipped", "delivered", "cancelled", "returned")
PAYMENT_STATUSES = ("pending", "paid", "failed", "refunded", "partial")
ReturnStatus = Literal["", "requested", "approved", "received", "rejected"]
# What staff may set by hand (orders.domain.ADMIN_TARGETS); the API refuses illegal moves with 409.
TARGETS = ("processing", "shipped", "delivered", "cancelled")


@page(router, "/admin/orders", title="Orders", roles=STAFF, area="admin")
async def orders(request: Request, viewer: ViewerDep, status: str = "", payment: str = "", q: str = "",
                 page: int = 1):
    api = request.app.state.api
    if q.strip():  # an order number typed into the search box goes straight to that order
        return redirect(f"/admin/orders/{quote(q.strip(), safe='')}")
    items, paging = await paged(api, viewer, "/v1/admin/orders", max(page, 1),
                                status=status if status in ORDER_STATUSES else "",
                                paymentStatus=payment if payment in PAYMENT_STATUSES else "")
    return render(request, "admin/orders.html", {
        "orders": items, "status": status, "payment": payment, "statuses": ORDER_STATUSES,
        "payment_statuses": PAYMENT_STATUSES, "paging": paging})


async def _order_ctx(request: Request, viewer, order_no: str) -> dict:
    api = request.app.state.api
    order = await api.get(f"/v1/admin/orders/{quote(order_no, safe='')}", token=viewer.token)
    names = await vendor_names(api, viewer, {i["vendorId"] for i in order["items"]})
    refundable = order["totals"]["totalMinor"] - order["refundedMinor"]
    # A fresh key per rendered form: a double-clicked submit refunds once, a corrected retry is a new refund.
    return {"order": order, "vendors": names, "targets": TARGETS, "refundable": refundable,
            "refund_key": f"web-refund-{uuid.uuid4().hex}"}


@page(router, "/admin/orders/{order_no}", title="Order", roles=STAFF, area="admin")
async def order_detail(request: Request, viewer: ViewerDep, order_no: str):
    return render(request, "admin/order.html", await _order_ctx(request, viewer, order_no))


async def _order_error(request: Request, viewer, order_no: str, exc: ApiError, form: dict):
    ctx = await _order_ctx(request, viewer, order_no)
    return render(request, "admin/order.html", {**ctx, "form": form}, status=exc.status, error=exc.message)


@action(router, "/admin/orders/{order_no}/status", roles=STAFF)
async def change_status(request: Request, viewer: ViewerDep, order_no: str, status: Annotated[str, Form()],
                        note: Annotated[str, Form()] = ""):
    try:
        await request.app.state.api.patch(f"/v1/admin/orders/{quote(order_no, safe='')}/status", token=viewer.token,
                                          json={"status": status, "note": note.strip() or None})
    except ApiError as exc:
        return await _order_error(request, viewer, order_no, exc, {"status": status, "note": note})
    return redirect(f"/admin/orders/{quote(order_no, safe='')}", notice=f"Order {order_no} is now {status}.")


@action(router, "/admin/orders/{order_no}/refund", roles=STAFF)
async def refund(request: Request, viewer: ViewerDep, order_no: str, amount: Annotated[str, Form()],
                 reason: Annotated[str, Form()], rma_id: Annotated[str, Form()] = "",
                 idempotency_key: Annotated[str, Form()] = ""):
    form = {"amount": amount, "reason": reason}
    minor = to_minor(amount)
    if minor is None:
        exc = ApiError(422, "Check the form", "The amount must be a positive number with at most two decimals.")
        return await _order_error(request, viewer, order_no, exc, form)
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    try:
        done = await request.app.state.api.post(
            f"/v1/admin/orders/{quote(order_no, safe='')}/refunds", token=viewer.token, headers=headers,
            json={"amountMinor": minor, "reason": reason.strip(), **({"rmaId": rma_id} if rma_id else {})})
    except ApiError as exc:
        return await _order_error(request, viewer, order_no, exc, form)
    state = done.get("status", "requested")
    return redirect(f"/admin/orders/{quote(order_no, safe='')}",
                    notice=f"Refund of {amount} for {order_no}: {state}.")


async def _returns_ctx(request: Request, viewer, status: str, page_no: int) -> dict:
    items, paging = await paged(request.app.state.api, viewer, "/v1/admin/returns", page_no, status=status)
    return {"returns": items, "status": status, "paging": paging}


@page(router, "/admin/returns", title="Returns", roles=STAFF, area="admin")
async def returns(request: Request, viewer: ViewerDep, status: ReturnStatus = "requested", page: int = 1):
    return render(request, "admin/returns.html", await _returns_ctx(request, viewer, status, max(page, 1)))


@action(router, "/admin/returns/{rma_id}", roles=STAFF)
async def update_return(request: Request, viewer: ViewerDep, rma_id: str,
                        status: Annotated[Literal["approved", "received", "rejected"], Form()],
                        note: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "requested"):
    try:
        rma = await request.app.state.api.patch(f"/v1/admin/returns/{quote(rma_id, safe='')}", token=viewer.token,
                                                json={"status": status, "note": note.strip() or None})
    except ApiError as exc:
        ctx = await _returns_ctx(request, viewer, back if back in ReturnStatus.__args__ else "requested", 1)
        return render(request, "admin/returns.html", ctx, status=exc.status, error=exc.message)
    return redirect(f"/admin/returns?status={back}", notice=f"Return for {rma['orderNo']} {status}.")
