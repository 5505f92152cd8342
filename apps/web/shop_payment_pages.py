"""Paying for an order with the simulated provider: create the payment intent (POST /v1/payments/intent, its
Idempotency-Key made once per pay form), play the test card through the payments service's simulated-provider
route (POST /v1/payments/simulate/{intentId}, which delivers the provider's signed webhook; it exists only where
the simulated provider runs in dev/test), then show progress until the order says it is paid. The payment lands
on the order through events (payment.succeeded → orders), so the page polls the order rather than assuming."""
from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from apps.web.access import SHOPPER, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render

router = APIRouter()
POLL_SECONDS = 1
REVIEW_AFTER_POLLS = 20  # still pending after ~20 s: fraud screening holds it for a person to look at


async def _order(request: Request, viewer, order_no: str) -> dict:
    return await request.app.state.api.get(f"/v1/orders/{order_no}", token=viewer.token)


@page(router, "/orders/{order_no}/pay", title="Pay", roles=SHOPPER, area="account")
async def pay_form(request: Request, order_no: str, viewer: ViewerDep):
    order = await _order(request, viewer, order_no)
    if order["paymentStatus"] == "paid":
        return redirect(f"/orders/{order_no}", notice="This order is already paid.")
    return render(request, "shop/pay.html", {"order": order, "idempotency_key": uuid.uuid4().hex})


@action(router, "/orders/{order_no}/pay", roles=SHOPPER)
async def pay(request: Request, order_no: str, viewer: ViewerDep,
              idempotency_key: Annotated[str, Form(min_length=8, max_length=64)],
              card: Annotated[Literal["succeeds", "declined"], Form()] = "succeeds"):
    api = request.app.state.api
    try:
        intent = await api.post("/v1/payments/intent", token=viewer.token,
                                headers={"Idempotency-Key": idempotency_key}, json={"orderNo": order_no})
        outcome = {"outcome": "succeeded"} if card == "succeeds" else {"outcome": "failed",
                                                                       "failureCode": "card_declined"}
        await api.post(f"/v1/payments/simulate/{intent['intentId']}", token=viewer.token, json=outcome)
    except ApiError as exc:
        order = await _order(request, viewer, order_no)
        return render(request, "shop/pay.html", {"order": order, "idempotency_key": uuid.uuid4().hex},
                      status=exc.status if exc.status < 500 else 503, error=exc.message)
    return redirect(f"/orders/{order_no}/paying")


@page(router, "/orders/{order_no}/paying", title="Paying", roles=SHOPPER, area="account")
async def paying(request: Request, order_no: str, viewer: ViewerDep):
    order = await _order(request, viewer, order_no)
    return render(request, "shop/paying.html", {"order": order, "polls": 0, "poll_seconds": POLL_SECONDS,
                                                "review_after": REVIEW_AFTER_POLLS})


@page(router, "/orders/{order_no}/payment-status", title="Payment status", roles=SHOPPER, area="account", nav=False)
async def payment_status(request: Request, order_no: str, viewer: ViewerDep, polls: int = 0):
    """htmx fragment polled by the paying page; once the order is paid the browser goes to the order."""
    order = await _order(request, viewer, order_no)
    response: HTMLResponse = render(request, "shop/_payment_status.html", {
        "order": order, "polls": min(polls + 1, 10_000), "poll_seconds": POLL_SECONDS,
        "review_after": REVIEW_AFTER_POLLS})
    if order["paymentStatus"] == "paid":
        response.headers["HX-Redirect"] = f"/orders/{order_no}"
    return response
