"""Vendor portal: forecasts (a plot of sales history with the forecast band and the stock-out date; days to
stock-out and reorder quantity per SKU) and price suggestions with their confidence (accept or dismiss).
Everything comes from the serving API's batch predictions; a vendor with none is told so plainly."""
from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

from fastapi import APIRouter, Request

from apps.web.access import VENDOR, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.vendor_common import VendorCall, vendor_call

router = APIRouter()
SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
HISTORY_DAYS = 90


@page(router, "/vendor/forecasts", title="Forecasts", roles=VENDOR, area="vendor")
async def forecasts(request: Request, viewer: ViewerDep, sku: str = ""):
    vc = await vendor_call(request, viewer)
    rows = await vc.get("/forecasts", params={"limit": 200})
    chosen = sku if any(r["sku"] == sku for r in rows) else (rows[0]["sku"] if rows else "")
    return render(request, "vendor/forecasts.html", {"rows": rows, "chosen": chosen})


def chart_data(plan: dict | None, daily: dict, history: dict, today: date) -> dict:
    """One date axis for the history (units sold) and the forecast band (qty, lower, upper)."""
    sold = {d["date"]: d["units"] for d in history["days"]}
    band = {d["date"]: d for d in daily["days"]}
    start = today - timedelta(days=HISTORY_DAYS - 1)
    labels = [(start + timedelta(days=i)).isoformat() for i in range(HISTORY_DAYS)]
    labels += sorted(d for d in band if d > labels[-1])
    return {"labels": labels,
            "sold": [sold.get(d, 0) if d <= today.isoformat() else None for d in labels],
            "qty": [band[d]["qty"] if d in band else None for d in labels],
            "lower": [band[d]["lower"] if d in band else None for d in labels],
            "upper": [band[d]["upper"] if d in band else None for d in labels],
            "stockout": (plan or {}).get("stockoutDate")}


@page(router, "/vendor/forecasts/chart", title="Forecast chart", roles=VENDOR, area="vendor", nav=False)
async def forecast_chart(request: Request, viewer: ViewerDep, sku: str = ""):
    """The plot's fragment, loaded after the page (with a progress bar) since it takes three API reads."""
    vc = await vendor_call(request, viewer)
    if not SKU.match(sku):
        return render(request, "vendor/_forecast_chart.html", {"sku": sku, "data": None}, status=422,
                      error="Choose a SKU from the table.")
    plans, daily, history = await asyncio.gather(
        vc.get("/forecasts", params={"sku": sku}), vc.get(f"/forecasts/{sku}/daily"),
        vc.get(f"/forecasts/{sku}/history", params={"days": HISTORY_DAYS}))
    data = chart_data(plans[0] if plans else None, daily, history, date.today())
    return render(request, "vendor/_forecast_chart.html", {"sku": sku, "data": data, "daily": daily,
                                                           "plan": plans[0] if plans else None})


async def _prices_page(request: Request, vc: VendorCall, *, code: int = 200, error: str | None = None):
    try:
        rows, disabled = await vc.get("/price-suggestions", params={"limit": 200}), None
    except ApiError as exc:
        if exc.status != 404:
            raise
        rows, disabled = [], exc.message  # pricing_ai switched off for this vendor
    return render(request, "vendor/prices.html", {"rows": rows, "disabled": disabled}, status=code, error=error)


@page(router, "/vendor/prices", title="Price suggestions", roles=VENDOR, area="vendor")
async def prices(request: Request, viewer: ViewerDep):
    return await _prices_page(request, await vendor_call(request, viewer))


async def _decide(request: Request, viewer, sku: str, decision: str):
    vc = await vendor_call(request, viewer)
    try:
        out = await vc.post(f"/price-suggestions/{sku}/{decision}", json={})
    except ApiError as exc:
        return await _prices_page(request, vc, code=exc.status, error=f"{sku}: {exc.message}")
    if decision == "accept":
        notice = f"{sku} now sells at the suggested price." if out.get("applied") else f"{sku}: accepted."
    else:
        notice = f"{sku}: suggestion dismissed; the price stays."
    return redirect("/vendor/prices", notice=notice)


@action(router, "/vendor/prices/{sku}/accept", roles=VENDOR)
async def accept(request: Request, viewer: ViewerDep, sku: str):
    return await _decide(request, viewer, sku, "accept")


@action(router, "/vendor/prices/{sku}/dismiss", roles=VENDOR)
async def dismiss(request: Request, viewer: ViewerDep, sku: str):
    return await _decide(request, viewer, sku, "dismiss")
