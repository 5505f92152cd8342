"""Vendor insights pure parts: who may read or act, row mapping, JSON-safe warehouse values, the flags' seeds."""
from __future__ import annotations

import math
from types import SimpleNamespace
from datetime import date, datetime, timezone

import pytest

from apps.backoffice.domain import SEEDS, state
from apps.serving.queries.vendor_insights import forecast_out
from apps.serving.routers.vendor_insights import vendor_actor, vendor_reader
from apps.serving.warehouse import clean
from kernel.auth import CurrentUser
from kernel.errors import Forbidden, ValidationFailed
from kernel.flags import Flag
from warehouse.metrics.analytics import METRICS

V1, V2 = "01998303-fa20-7a61-a944-0ee56376d8cd", "01998303-fa20-7a61-a944-0ee56376d8ce"


def user(*roles: str, vendor: str | None = None) -> CurrentUser:
    return CurrentUser(id="u", roles=roles, vendor_id=vendor)


async def test_readers_and_actors():
    assert await vendor_reader(V1, user("vendor_admin", vendor=V1)) == V1
    assert await vendor_reader(V1, user("staff")) == V1 and await vendor_reader(V1, user("super_admin")) == V1
    for who in (user("vendor_admin", vendor=V2), user("customer"), user("customer", vendor=V1)):
        with pytest.raises(Forbidden):
            await vendor_reader(V1, who)
    with pytest.raises(ValidationFailed):
        await vendor_reader("v-1", user("super_admin"))
    assert (await vendor_actor(V1, user("vendor_admin", vendor=V1), _request("active"))).vendor_id == V1
    with pytest.raises(Forbidden):
        await vendor_actor(V1, user("staff"), _request("active"))  # staff read, never set prices
    with pytest.raises(Forbidden):  # vendors says it is suspended: its token still says vendor_admin
        await vendor_actor(V1, user("vendor_admin", vendor=V1), _request("suspended"))


def _request(vendor_status: str) -> SimpleNamespace:
    """A write request whose vendors service answers the vendor's status (kernel.vendor_status asks it)."""
    class Vendors:
        async def get_json(self, service: str, path: str, what: str = "") -> dict:
            return {"status": vendor_status, "name": "Shop", "slug": "shop"}

    return SimpleNamespace(method="POST", state=SimpleNamespace(),
                           app=SimpleNamespace(state=SimpleNamespace(service_clients=Vendors())))


def test_clean_makes_warehouse_values_json_safe():
    assert clean(math.nan) is None and clean(math.inf) is None and clean(1.5) == 1.5
    assert clean(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05+00:00"  # naive from the driver = UTC
    assert clean(date(2026, 1, 2)) == "2026-01-02"


def test_forecast_row_mapping_keeps_the_api_fields():
    row = {"sku": "A-1", "product_id": "p", "horizon_days": 28, "forecast_units": 14.456, "forecast_lower": None,
           "forecast_upper": 20.0, "daily_rate": 0.51626, "current_stock": 3, "lead_time_days": 7.0,
           "safety_stock": 1.0, "reorder_point": 4.0, "order_up_to": 9.0, "reorder_qty": 6, "days_to_stockout": None,
           "stockout_date": None, "method": "tsb", "forecast_start": "2026-12-03", "model_version": "4",
           "generated_at": "2026-12-03T05:00:00+00:00"}
    out = forecast_out(row).model_dump(by_alias=True)
    assert {k: out[k] for k in ("sku", "horizonDays", "forecastQty", "daysToStockout", "reorderQty",
                                "modelVersion")} == {"sku": "A-1", "horizonDays": 28, "forecastQty": 14.46,
                                                     "daysToStockout": None, "reorderQty": 6, "modelVersion": "4"}
    assert out["dailyRate"] == 0.5163 and out["generatedAt"] == datetime(2026, 12, 3, 5, tzinfo=timezone.utc)


def test_seeds_and_audit_state():
    seeds = {f.key: f for f in SEEDS}
    assert seeds["reco_ab_test"].enabled is False and seeds["reco_ab_test"].variants == {"champion": 90,
                                                                                         "challenger": 10}
    assert seeds["pricing_ai"].enabled is True and seeds["new_checkout"].enabled is False
    assert state(None) is None
    assert state(Flag("x_y", enabled=True, rollout_percent=5)) == {"enabled": True, "rolloutPercent": 5,
                                                                   "variants": {}, "description": ""}


def test_ab_metric_is_admin_only():
    assert METRICS["reco_ab_test"].vendor_sql is None
