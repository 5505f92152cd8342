"""Vendor portal: stock levels with low-stock alerts (the API's lowStock flag: available at or under the
reorder point), and editing on-hand stock and the reorder point of one SKU."""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Request

from apps.web.access import VENDOR, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.vendor_common import VendorCall, vendor_call

router = APIRouter()


async def _stock_page(request: Request, vc: VendorCall, *, low_only: bool = False, page: int = 1,
                      status: int = 200, error: str | None = None):
    listing, low = await asyncio.gather(
        vc.get("/inventory", params={"lowStock": "true" if low_only else None, "page": page, "perPage": 50}),
        vc.get("/inventory", params={"lowStock": "true", "perPage": 1}))
    return render(request, "vendor/stock.html", {"listing": listing, "low_total": low["total"],
                                                 "low_only": low_only}, status=status, error=error)


@page(router, "/vendor/stock", title="Stock", roles=VENDOR, area="vendor")
async def stock(request: Request, viewer: ViewerDep, low: str = "", page: int = 1):
    return await _stock_page(request, await vendor_call(request, viewer), low_only=low == "true",
                             page=max(1, min(page, 100_000)))


def _count(text: str, label: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ApiError(422, "Check the form", f"{label}: “{text}” is not a whole number of units.")
    return int(text)


@action(router, "/vendor/stock/{sku}", roles=VENDOR)
async def set_stock(request: Request, viewer: ViewerDep, sku: str, on_hand: Annotated[str, Form()] = "",
                    reorder_point: Annotated[str, Form()] = ""):
    vc = await vendor_call(request, viewer)
    try:
        body = {"onHand": _count(on_hand, "On hand"), "reorderPoint": _count(reorder_point, "Reorder point")}
        body = {k: v for k, v in body.items() if v is not None}
        if not body:
            raise ApiError(422, "Check the form", "Type a stock level or a reorder point.")
        item = await vc.patch(f"/inventory/{sku}", json=body)
    except ApiError as exc:
        return await _stock_page(request, vc, status=exc.status, error=f"{sku}: {exc.message}")
    return redirect("/vendor/stock", notice=f"{item['sku']}: {item['available']} available, reorder at "
                                            f"{item['reorderPoint']}.")
