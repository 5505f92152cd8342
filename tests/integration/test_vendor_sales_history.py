"""The sales history beside the forecast band (GET /v1/vendors/{vendorId}/forecasts/{sku}/history): units per day
from the real warehouse's order items, only the asking vendor's, within the window."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from kernel.ids import new_id_str
from kernel.warehouse import warehouse_client
from tests.integration.test_vendor_insights import bearer, sku

COLUMNS = ["order_no", "sku", "product_id", "vendor_id", "user_id", "qty", "price_minor", "line_total_minor",
           "discount_minor", "category_ids", "currency", "created_at"]


def write_sale(vendor_id: str, sku_: str, qty: int, days_ago: int) -> None:
    at = datetime.now(timezone.utc) - timedelta(days=days_ago)
    row = [f"T-{uuid.uuid4().hex[:10]}", sku_, str(uuid.uuid4()), vendor_id, str(uuid.uuid4()), qty, 500, 500 * qty,
           0, [], "USD", at]
    warehouse_client().insert("order_items", [row], column_names=COLUMNS)


async def test_history_is_units_per_day_of_the_vendors_own_sku(client, gateway, stack):
    vendor_id, other_id, s = new_id_str(), new_id_str(), sku()
    write_sale(vendor_id, s, 2, days_ago=3)
    write_sale(vendor_id, s, 1, days_ago=3)
    write_sale(vendor_id, s, 4, days_ago=1)
    write_sale(vendor_id, s, 9, days_ago=200)  # outside the default 90-day window
    write_sale(other_id, s, 5, days_ago=1)  # the same SKU text under another vendor is not this vendor's sale
    mine = bearer(gateway, "vendor_admin", vendor_id=vendor_id)
    resp = await client.get(f"/v1/vendors/{vendor_id}/forecasts/{s}/history", headers=mine)
    assert resp.status_code == 200, resp.text
    assert [d["units"] for d in resp.json()["days"]] == [3, 4]
    longer = await client.get(f"/v1/vendors/{vendor_id}/forecasts/{s}/history", params={"days": 365}, headers=mine)
    assert [d["units"] for d in longer.json()["days"]] == [9, 3, 4]

    theirs = await client.get(f"/v1/vendors/{other_id}/forecasts/{s}/history", headers=mine)
    assert theirs.status_code == 403
    assert (await client.get(f"/v1/vendors/{vendor_id}/forecasts/{s}/history", params={"days": 0},
                             headers=mine)).status_code == 422
    assert (await client.get(f"/v1/vendors/{vendor_id}/forecasts/bad%20sku/history", headers=mine)).status_code == 422
