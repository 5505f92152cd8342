"""Back office dashboard (super admin and staff): the last 30 days in figures and what waits for someone.

Each queue count is one small API call (perPage=1, read `total`); a count this viewer's role may not read is
left out rather than shown as an error. The back office's other pages live in admin_*_pages.py."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi import APIRouter, Request

from apps.web.access import ADMIN, PAGES, STAFF, ViewerDep, allowed, page
from apps.web.api import ApiError
from apps.web.render import render

router = APIRouter()


@dataclass(frozen=True)
class Queue:
    title: str
    api_path: str
    status: str
    page_path: str  # the page that works the queue; its roles decide who sees the count
    extra: tuple[tuple[str, str], ...] = ()


QUEUES = (
    Queue("Vendors to approve", "/v1/admin/vendors", "pending", "/admin/vendors"),
    Queue("Products to approve", "/v1/admin/products", "pending", "/admin/products"),
    Queue("Returns requested", "/v1/admin/returns", "requested", "/admin/returns"),
    Queue("Payouts requested", "/v1/admin/payouts", "requested", "/admin/payouts"),
    # A paid order moves to "processing" (stock committed) and waits there for its vendors to ship.
    Queue("Paid orders to ship", "/v1/admin/orders", "processing", "/admin/orders", (("paymentStatus", "paid"),)),
)


async def _count(request: Request, viewer, q: Queue) -> tuple[Queue, int | None]:
    try:
        answer = await request.app.state.api.get(q.api_path, token=viewer.token,
                                                 params={"status": q.status, "perPage": 1, **dict(q.extra)})
        return q, int(answer.get("total", 0))
    except ApiError:
        return q, None


async def _figures(request: Request, viewer) -> tuple[dict | None, dict | None, str | None]:
    api = request.app.state.api
    try:
        summary, refunds = await asyncio.gather(
            api.get("/v1/admin/analytics/summary", token=viewer.token, params={"days": 30}),
            api.get("/v1/admin/analytics/refund_rate", token=viewer.token, params={"days": 30}))
    except ApiError as exc:  # the warehouse being away must not take the queues down with it
        return None, None, exc.message
    return (summary["rows"][0] if summary["rows"] else None), (refunds["rows"][0] if refunds["rows"] else None), None


@page(router, "/admin", title="Dashboard", roles=STAFF, area="admin")
async def landing(request: Request, viewer: ViewerDep):
    mine = [q for q in QUEUES if q.page_path in PAGES and allowed(PAGES[q.page_path], viewer)]
    counts, (summary, refunds, problem) = await asyncio.gather(
        asyncio.gather(*(_count(request, viewer, q) for q in mine)), _figures(request, viewer))
    links = [s for s in PAGES.values() if s.area == "admin" and s.nav and s.path != "/admin" and allowed(s, viewer)]
    return render(request, "admin/landing.html", {
        "queues": [(q, n) for q, n in counts if n is not None], "summary": summary, "refunds": refunds,
        "figures_problem": problem, "links": links, "is_admin": viewer is not None and viewer.has_any(*ADMIN)})
