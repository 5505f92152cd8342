"""Risk console: the fraud queue (orders the model sent to review, riskiest first), one order's page (score, reasons,
linked accounts, the order and its current state, the audit trail) and the risk team's decision with a note.

Everything comes from serving's fraud routes (GET /v1/admin/fraud/queue, GET and PATCH /v1/admin/fraud/{orderNo})
and the orders service (GET /v1/admin/orders/{orderNo}); the pages' roles are the API's: staff and super_admin."""
from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request

from apps.web.access import RISK, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.session import Viewer

router = APIRouter()
PER_PAGE = 20
Status = Literal["pending", "decided", "all"]
OrderNo = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
SHARED_WORDS = {"device": "same device", "card": "same card", "address": "same shipping address"}
DECISION_WORDS = {"approve": "released", "reject": "rejected", "review": "sent to review"}


def shared_kinds(item: dict) -> str:
    """What ties the order to other accounts, in words: "same device, same card"."""
    kinds = {kind for account in item.get("linkedAccounts") or [] for kind in account.get("shared") or []}
    return ", ".join(SHARED_WORDS[k] for k in ("device", "card", "address") if k in kinds)


def _order_url(order_no: str) -> str:
    return f"/risk/orders/{order_no}"


@page(router, "/risk", title="Fraud queue", roles=RISK, area="risk")
async def queue(request: Request, viewer: ViewerDep, status: Status = "pending", page: int = 1,
                order_no: Annotated[str, Query(alias="orderNo", max_length=64)] = ""):
    if order_no.strip():  # the "Find an order" box: straight to its page (an unknown one shows the API's 404)
        return redirect(_order_url(quote(order_no.strip(), safe="")))
    page = max(1, min(page, 10_000))
    data = await request.app.state.api.get("/v1/admin/fraud/queue", token=viewer.token,
                                           params={"status": status, "page": page, "perPage": PER_PAGE})
    pages = max(1, -(-int(data["total"]) // PER_PAGE))
    return render(request, "risk/queue.html", {"queue": data, "status": status, "page": page, "pages": pages,
                                               "shared_kinds": shared_kinds, "decision_words": DECISION_WORDS})


async def _order_state(request: Request, viewer: Viewer, order_no: str) -> tuple[dict | None, str | None]:
    """The order as the orders service has it now (held, released, cancelled...); the page still works without."""
    try:
        return await request.app.state.api.get(f"/v1/admin/orders/{order_no}", token=viewer.token), None
    except ApiError as exc:
        if exc.status == 401:
            raise
        return None, exc.message


async def _detail(request: Request, viewer: Viewer, order_no: str, *, status: int = 200, error: str | None = None,
                  note: str = ""):
    review = await request.app.state.api.get(f"/v1/admin/fraud/{order_no}", token=viewer.token)
    order, order_problem = await _order_state(request, viewer, order_no)
    ctx: dict[str, Any] = {"review": review, "order": order, "order_problem": order_problem, "note": note,
                           "shared_words": SHARED_WORDS, "decision_words": DECISION_WORDS}
    return render(request, "risk/order.html", ctx, status=status, error=error)


@page(router, "/risk/orders/{order_no}", title="Order under review", roles=RISK, area="risk")
async def order_page(request: Request, viewer: ViewerDep, order_no: OrderNo):
    return await _detail(request, viewer, order_no)


@action(router, "/risk/orders/{order_no}/decision", roles=RISK)
async def decide(request: Request, viewer: ViewerDep, order_no: OrderNo,
                 decision: Annotated[str, Form()], note: Annotated[str, Form(max_length=2000)] = ""):
    """Release (approve) or reject the held order; the API audits it and refuses a second decision (409)."""
    try:
        await request.app.state.api.patch(f"/v1/admin/fraud/{order_no}", token=viewer.token,
                                          json={"decision": decision, "note": note.strip() or None})
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise
        return await _detail(request, viewer, order_no, status=exc.status, error=exc.message, note=note)
    words = DECISION_WORDS.get(decision, decision)
    return redirect(_order_url(order_no), notice=f"Order {order_no} {words}. The decision is recorded in its audit "
                                                 "trail.")
