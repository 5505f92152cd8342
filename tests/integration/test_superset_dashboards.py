"""Superset, started by the stack, serves the dashboards of dashboards/ over the real warehouse: the test logs into
its REST API, imports the bundle (`mkt dashboards import`'s path), fetches every chart's data, and checks the key
figures of the charts against warehouse/metrics/analytics.py's metric definitions on the same data: a known world written into
a random window of the 1990s (tests/integration/superset_world.py), read through each chart's own saved query with
only its time range moved to that window."""
from __future__ import annotations

import copy
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from dashboards.bundle import asset_uuid, build_bundle, load_yaml
from dashboards.superset_api import SupersetApi
from kernel.warehouse import warehouse_client
from tests.integration.superset_world import build_world, land
from warehouse.metrics.analytics import run_metric

# Superset serves requests on threads and the warehouse runs a pool of 4 chDB handles: a few charts at once.
PARALLEL = 4
UUID_LIKE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


@pytest.fixture(scope="module")
def world(stack):
    world = build_world()
    land(world)
    return world


@pytest.fixture(scope="module")
def superset(stack):
    with SupersetApi.login() as api:
        api.import_bundle(build_bundle())
        yield api


@pytest.fixture(scope="module")
def charts(superset) -> dict[str, dict]:
    """Chart key (from the YAML) -> Superset's chart record with its saved query_context."""
    keys = [spec["key"] for board in load_yaml("boards").values() for spec in board["charts"]]
    with ThreadPoolExecutor(PARALLEL) as pool:
        details = pool.map(lambda c: superset.get(f"chart/{c['id']}") | {"id": c["id"]}, superset.list("chart"))
        by_uuid = {d.get("uuid") or "": d for d in details}
    missing = [k for k in keys if asset_uuid("chart", k) not in by_uuid]
    assert not missing, f"charts not imported: {missing}"
    return {k: by_uuid[asset_uuid("chart", k)] for k in keys}


def in_window(api: SupersetApi, chart: dict, world) -> list[dict]:
    """The chart's saved query, with its time range moved to the world's window."""
    context = copy.deepcopy(json.loads(chart["query_context"]))
    window = f"{world.since:%Y-%m-%dT%H:%M:%S} : {world.until:%Y-%m-%dT%H:%M:%S}"
    for query in context["queries"]:
        query["time_range"] = window
        for f in query["filters"]:
            if f["op"] == "TEMPORAL_RANGE":
                f["val"] = window
    context["form_data"]["time_range"] = window
    return api.query_data(context)


def metric(name: str, world) -> list[dict]:
    client = warehouse_client()
    try:
        columns, rows = run_metric(client, name, since=world.since, until=world.until)
    finally:
        client.close()
    return [dict(zip(columns, row)) for row in rows]


def day_of(value) -> str:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
    return str(value)[:10]


@pytest.fixture(scope="module")
def saved_data(superset, charts) -> dict[str, list[dict] | str]:
    """Every chart's own saved query (its default time range), run by Superset: rows, or the error text."""
    def fetch(chart: dict) -> list[dict] | str:
        try:
            return superset.chart_data(chart["id"])
        except Exception as exc:  # noqa: BLE001 - collect them all
            return str(exc)[:300]

    with ThreadPoolExecutor(PARALLEL) as pool:
        return dict(zip(charts, pool.map(fetch, charts.values())))


def test_every_chart_answers(saved_data):
    """Each chart's saved query runs in Superset against the warehouse."""
    failures = {k: v for k, v in saved_data.items() if not isinstance(v, list)}
    assert not failures, failures
    assert len(saved_data) >= 30


def test_executive_figures_match_the_metric_definitions(superset, charts, world):
    summary = metric("summary", world)[0]
    assert summary["orders"] == 5
    gmv = in_window(superset, charts["exec_gmv"], world)[0]["gmv"]
    assert gmv == pytest.approx(summary["gmv_minor"] / 100)
    aov = in_window(superset, charts["exec_aov"], world)[0]["aov"]
    assert aov == pytest.approx(summary["aov_minor"] / 100, abs=0.01)
    assert in_window(superset, charts["exec_paid_orders"], world)[0]["paid_orders"] == summary["orders"]

    per_day = {day_of(r["day"]): r for r in metric("orders_per_day", world)}
    chart_days = {day_of(r["created_at"]): r for r in in_window(superset, charts["exec_orders_per_day"], world)}
    assert set(chart_days) == set(per_day) and len(per_day) == 3
    for day, row in per_day.items():
        assert (chart_days[day]["placed"], chart_days[day]["paid_orders"], chart_days[day]["cancelled"]) == \
            (row["placed"], row["paid"], row["cancelled"])

    conversion = {day_of(r["day"]): r["conversion"] for r in metric("conversion_rate", world)}
    chart_conv = {day_of(r["day"]): r["conversion"] for r in in_window(superset, charts["exec_conversion_per_day"],
                                                                         world)}
    assert chart_conv.keys() == conversion.keys()
    for day, value in conversion.items():
        assert chart_conv[day] == pytest.approx(value, abs=1e-4)


def test_vendor_figures_use_names_and_match(superset, charts, world):
    kernel_net = {r["vendor"]: r["net_minor"] / 100 for r in metric("vendor_earnings", world)}
    assert set(kernel_net) == set(world.vendors.values())
    chart_net = {r["vendor"]: r["net_earnings"] for r in in_window(superset, charts["vendors_earnings"], world)}
    assert chart_net == pytest.approx(kernel_net)

    on_time = {world.vendors[r["vendor_id"]]: r["on_time_rate"] for r in metric("on_time_delivery", world)
               if r["vendor_id"]}
    chart_on_time = {r["vendor"]: r["on_time_rate"] for r in in_window(superset, charts["vendors_on_time"], world)}
    assert chart_on_time == pytest.approx(on_time, abs=1e-4)

    refund = metric("refund_rate", world)[0]
    assert refund["refunded_minor"] == 12000
    chart_rate = in_window(superset, charts["vendors_refund_rate"], world)[0]["refund_rate"]
    assert chart_rate == pytest.approx(refund["refund_rate"], abs=1e-4)


def test_catalog_and_customer_figures_match(superset, charts, world):
    categories = {world.categories[r["category_id"]]: r["revenue_minor"] / 100 for r in metric("top_categories", world)}
    chart_categories = {r["category"]: r["revenue_total"]
                        for r in in_window(superset, charts["catalog_top_categories"], world)}
    assert chart_categories == pytest.approx(categories)
    assert list(chart_categories)[0] == f"Lamps {world.tag}"  # ordered by revenue, by name

    products = {r["title"]: r["revenue_minor"] / 100 for r in metric("top_products", world)}
    chart_products = {r["product"]: r["revenue_total"]
                      for r in in_window(superset, charts["catalog_top_products"], world)}
    assert chart_products == pytest.approx(products) and set(products) == set(world.products.values())

    zero = {r["query"]: r["searches"] for r in metric("zero_result_searches", world)}
    chart_zero = {r["query"]: r["zero_results"] for r in in_window(superset, charts["catalog_zero_result"], world)
                  if r["zero_results"]}
    assert chart_zero == zero == {f"glow {world.tag}": 2, f"zzz {world.tag}": 1}

    repeat = metric("repeat_rate", world)[0]["repeat_rate"]
    chart_repeat = in_window(superset, charts["customers_repeat_rate"], world)[0]["repeat_rate"]
    assert chart_repeat == pytest.approx(repeat, abs=1e-4) and repeat == pytest.approx(2 / 3, abs=1e-4)

    cohorts = {(day_of(r["cohort"]), r["months_since"]): r["customers"] for r in metric("cohorts", world)}
    chart_cohorts = {(day_of(r["cohort"]), r["months_since"]): r["customers"]
                     for r in in_window(superset, charts["customers_cohorts"], world)}
    assert chart_cohorts == cohorts


def test_grouped_charts_show_names_never_ids(saved_data, charts, superset, world):
    """Tables and pies group by names: on everything in the warehouse (the saved ranges) and on the known world."""
    grouped = [k for k, c in charts.items() if c["viz_type"] in ("table", "pie", "pivot_table_v2")]
    window_rows = in_window(superset, charts["catalog_top_products"], world)
    assert {r["product"] for r in window_rows} == set(world.products.values())
    for key in grouped:
        rows = saved_data[key] if isinstance(saved_data[key], list) else []
        for row in rows + (window_rows if key == "catalog_top_products" else []):
            ids = [v for v in row.values() if isinstance(v, str) and UUID_LIKE.match(v)]
            assert not ids, f"{key} shows raw ids: {ids}"


@pytest.mark.parametrize(("name", "id_col", "name_col", "expected"), [
    ("top_categories", "category_id", "category", "categories"), ("top_products", "product_id", "title", "products"),
    ("vendor_earnings", "vendor_id", "vendor", "vendors"), ("on_time_delivery", "vendor_id", "vendor", "vendors")])
def test_warehouse_report_prints_names_not_ids(world, name, id_col, name_col, expected):
    """`mkt warehouse report` shows the dimension's name in place of the id (same rows as the report prints)."""
    from mkt.warehouse_cli import named

    client = warehouse_client()
    try:
        columns, rows = named(client, *run_metric(client, name, since=world.since, until=world.until))
    finally:
        client.close()
    assert id_col not in columns
    shown = {row[columns.index(name_col)] for row in rows if row[columns.index(name_col)]}
    assert shown == set(getattr(world, expected).values())
