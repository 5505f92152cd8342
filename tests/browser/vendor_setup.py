"""What the vendor journey starts from, set up through the public API (never a journey step): an admin's
approvals, a shopper's paid order, and the forecasting run's output for the vendor's SKU."""
from __future__ import annotations

import io
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from PIL import Image

from tests.integration.vendor_insights_helpers import now, write_daily, write_plan, write_price

ADDRESS = {"line1": "1 Main St", "city": "Austin", "postalCode": "73301", "country": "US", "name": "Ada Shopper"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for(fetch: Callable[[], Any], until: Callable[[Any], bool], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if until(result):
            return result
        if time.monotonic() > deadline:
            shown = result.text[:300] if isinstance(result, httpx.Response) else repr(result)[:300]
            raise AssertionError(f"timed out waiting for {what}; last: {shown}")
        time.sleep(0.3)


def png_bytes(colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, format="PNG")
    return buf.getvalue()


def my_vendor(api: httpx.Client, token: str) -> dict:
    resp = api.get("/v1/vendors/mine", headers=bearer(token))
    assert resp.status_code == 200, resp.text
    return resp.json()


def approve_vendor(api: httpx.Client, admin_token: str, vendor_id: str) -> None:
    resp = api.patch(f"/v1/admin/vendors/{vendor_id}/status", headers=bearer(admin_token),
                     json={"status": "active", "reason": "documents checked"})
    assert resp.status_code == 200, resp.text


def approve_product(api: httpx.Client, admin_token: str, product_id: str) -> None:
    resp = api.patch(f"/v1/admin/products/{product_id}/approve", headers=bearer(admin_token))
    assert resp.status_code == 200, resp.text


def new_category(api: httpx.Client, admin_token: str) -> dict:
    resp = api.post("/v1/admin/categories", headers=bearer(admin_token),
                    json={"name": f"Lamps {uuid.uuid4().hex[:6]}"})
    assert resp.status_code == 201, resp.text
    return resp.json()


def paid_order(api: httpx.Client, shopper_token: str, sku: str, qty: int = 1) -> str:
    """A shopper buys `sku` and pays with the simulated provider; returns the order number once paid."""
    auth = bearer(shopper_token)
    wait_for(lambda: api.post("/v1/cart/items", json={"sku": sku, "qty": qty}, headers=auth),
             lambda r: r.status_code in (200, 201), f"the cart to sell {sku}")
    order = api.post("/v1/orders", json={"shippingAddress": ADDRESS, "shippingMethod": "standard"},
                     headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
    assert order.status_code == 201, order.text
    number = order.json()["orderNo"]
    intent = wait_for(lambda: api.post("/v1/payments/intent", json={"orderNo": number},
                                       headers={**auth, "Idempotency-Key": number}),
                      lambda r: r.status_code in (200, 201), "a payment intent")
    sim = api.post(f"/v1/payments/simulate/{intent.json()['intentId']}", json={"outcome": "succeeded"}, headers=auth)
    assert sim.status_code == 200, sim.text
    wait_for(lambda: api.get(f"/v1/orders/{number}", headers=auth),
             lambda r: r.json().get("status") == "processing", f"{number} paid and processing", timeout=90)
    return number


def seed_forecast(vendor_id: str, sku: str, product_id: str, *, stock: int) -> date:
    """The forecasting run's output for one SKU (what the pipeline writes to the warehouse): its stock plan and
    28 days of daily forecast band. Returns the stock-out date."""
    write_plan(vendor_id, sku, days_to_stockout=6.0, reorder_qty=24, stock=stock, product_id=product_id)
    write_daily(sku, 28, generated_at=now(), start=date.today())
    return date.fromordinal(date.today().toordinal() + 6)


def seed_price(vendor_id: str, sku: str, product_id: str, *, current: int, suggested: int) -> None:
    write_price(vendor_id, sku, current=current, suggested=suggested, product_id=product_id, confidence=0.82)
