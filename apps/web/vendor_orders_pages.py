"""Vendor portal: orders to ship (only this vendor's items of each order) with a ship form per item, and the
earnings page with payout requests."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request

from apps.web.access import VENDOR, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.vendor_common import VendorCall, minor_units, vendor_call

router = APIRouter()
ORDER_STATUSES = ("processing", "unfulfilled", "shipped", "delivered", "cancelled", "returned")
CARRIERS = ("UPS", "FedEx", "DHL", "USPS", "Royal Mail", "Other")


async def _orders_page(request: Request, vc: VendorCall, *, status: str = "", page: int = 1, code: int = 200,
                       error: str | None = None):
    listing = await vc.get("/orders", params={"status": status if status in ORDER_STATUSES else None,
                                              "page": page, "perPage": 20})
    return render(request, "vendor/orders.html", {"listing": listing, "status": status, "statuses": ORDER_STATUSES,
                                                  "carriers": CARRIERS}, status=code, error=error)


@page(router, "/vendor/orders", title="Orders to ship", roles=VENDOR, area="vendor")
async def orders(request: Request, viewer: ViewerDep, status: str = "", page: int = 1):
    return await _orders_page(request, await vendor_call(request, viewer), status=status,
                              page=max(1, min(page, 10_000)))


@action(router, "/vendor/orders/{order_no}/items/{sku}/ship", roles=VENDOR)
async def ship(request: Request, viewer: ViewerDep, order_no: str, sku: str, carrier: Annotated[str, Form()],
               tracking_no: Annotated[str, Form()]):
    vc = await vendor_call(request, viewer)
    try:
        await vc.patch(f"/orders/{order_no}/items/{sku}/ship", json={"carrier": carrier, "trackingNo": tracking_no})
    except ApiError as exc:
        return await _orders_page(request, vc, code=exc.status, error=f"{order_no} / {sku}: {exc.message}")
    return redirect("/vendor/orders", notice=f"{sku} of order {order_no} shipped with {carrier} {tracking_no}.")


async def _earnings_page(request: Request, vc: VendorCall, *, page: int = 1, code: int = 200,
                         error: str | None = None):
    earnings = await vc.get("/earnings", params={"page": page, "perPage": 50})
    # A fresh key per rendered form: a double click (or a resent form) repeats the same request, not a new payout.
    return render(request, "vendor/earnings.html", {"earnings": earnings, "payout_key": uuid.uuid4().hex},
                  status=code, error=error)


@page(router, "/vendor/earnings", title="Earnings and payouts", roles=VENDOR, area="vendor")
async def earnings(request: Request, viewer: ViewerDep, page: int = 1):
    return await _earnings_page(request, await vendor_call(request, viewer), page=max(1, min(page, 100_000)))


@action(router, "/vendor/earnings/payout", roles=VENDOR)
async def request_payout(request: Request, viewer: ViewerDep, amount: Annotated[str, Form()],
                         currency: Annotated[str, Form()], idempotency_key: Annotated[str, Form()]):
    vc = await vendor_call(request, viewer)
    try:
        key = str(uuid.UUID(idempotency_key))
        payout = await vc.post("/payout-request", json={"amountMinor": minor_units(amount, "Amount"),
                                                        "currency": currency}, headers={"Idempotency-Key": key})
    except ValueError:
        return await _earnings_page(request, vc, code=422, error="The form expired; please send it again.")
    except ApiError as exc:
        return await _earnings_page(request, vc, code=exc.status, error=exc.message)
    return redirect("/vendor/earnings", notice=f"Payout of {amount} {currency} requested ({payout['status']}).")
