"""Payout processing (super admin): vendors' payout requests, moved requested → processing → paid | failed."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request

from apps.web.access import ADMIN, ViewerDep, action, page
from apps.web.admin_common import paged, vendor_names
from apps.web.api import ApiError
from apps.web.render import redirect, render

router = APIRouter()
PayoutStatus = Literal["", "requested", "processing", "paid", "failed"]
NEXT = {"requested": ("processing", "failed"), "processing": ("paid", "failed")}


async def _ctx(request: Request, viewer, status: str, page_no: int) -> dict:
    api = request.app.state.api
    items, paging = await paged(api, viewer, "/v1/admin/payouts", page_no, status=status)
    names = await vendor_names(api, viewer, {p["vendorId"] for p in items})
    return {"payouts": items, "vendors": names, "status": status, "next": NEXT, "paging": paging}


@page(router, "/admin/payouts", title="Payouts", roles=ADMIN, area="admin")
async def payouts(request: Request, viewer: ViewerDep, status: PayoutStatus = "requested", page: int = 1):
    return render(request, "admin/payouts.html", await _ctx(request, viewer, status, max(page, 1)))


@action(router, "/admin/payouts/{payout_id}", roles=ADMIN)
async def change_payout(request: Request, viewer: ViewerDep, payout_id: str,
                        status: Annotated[Literal["processing", "paid", "failed"], Form()],
                        note: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "requested"):
    try:
        await request.app.state.api.patch(f"/v1/admin/payouts/{payout_id}", token=viewer.token,
                                          json={"status": status, "note": note.strip() or None})
    except ApiError as exc:
        ctx = await _ctx(request, viewer, back if back in PayoutStatus.__args__ else "requested", 1)
        return render(request, "admin/payouts.html", ctx, status=exc.status, error=exc.message)
    return redirect(f"/admin/payouts?status={back}", notice=f"Payout marked {status}.")
