"""Shipping rates (super admin): each zone × service level's promised days and prices (flat, or by weight
bracket). The next quote uses the change; orders already placed keep what they were charged."""
from __future__ import annotations

from fastapi import APIRouter, Request

from apps.web.access import ADMIN, ViewerDep, action, page
from apps.web.admin_common import to_minor
from apps.web.api import ApiError
from apps.web.render import redirect, render

router = APIRouter()


async def _tables(request: Request, viewer) -> list[dict]:
    return (await request.app.state.api.get("/v1/admin/shipping/rates", token=viewer.token))["items"]


@page(router, "/admin/shipping", title="Shipping rates", roles=ADMIN, area="admin")
async def shipping(request: Request, viewer: ViewerDep):
    return render(request, "admin/shipping.html", {"tables": await _tables(request, viewer)})


def _patch_from(form, table: dict) -> tuple[dict, str | None]:
    body: dict = {}
    eta = str(form.get("eta_days", "")).strip()
    if eta:
        if not eta.isdigit():
            return body, "Promised days must be a whole number."
        body["etaDays"] = int(eta)
    if table["method"] == "flat":
        amount = to_minor(str(form.get("flat_amount", "")))
        if amount is None:
            return body, "The flat price must be an amount such as 4.99."
        body["flatAmountMinor"] = amount
    else:
        brackets = []
        for n, b in enumerate(table["brackets"]):
            amount = to_minor(str(form.get(f"amount_{n}", "")))
            extra_minor = to_minor(str(form.get(f"extra_{n}", "0")).strip() or "0", allow_zero=True)
            if amount is None or extra_minor is None:
                return body, "Every bracket needs a price such as 14.99 (and an extra per kg, 0 for none)."
            brackets.append({"maxGrams": b["maxGrams"], "amountMinor": amount, "extraPerKgMinor": extra_minor})
        body["brackets"] = brackets
    return body, None


@action(router, "/admin/shipping/{table_id}", roles=ADMIN)
async def change_rates(request: Request, viewer: ViewerDep, table_id: int):
    form = await request.form()
    tables = await _tables(request, viewer)
    table = next((t for t in tables if t["id"] == table_id), None)
    try:
        if table is None:
            raise ApiError(404, "Not found", f"There is no rate table {table_id}.")
        body, problem = _patch_from(form, table)
        if problem:
            raise ApiError(422, "Check the form", problem)
        await request.app.state.api.patch(f"/v1/admin/shipping/rates/{table_id}", token=viewer.token, json=body)
    except ApiError as exc:
        return render(request, "admin/shipping.html", {"tables": tables}, status=exc.status, error=exc.message)
    return redirect("/admin/shipping", notice=f"{table['zone'].capitalize()} {table['serviceLevel']} rates saved.")
