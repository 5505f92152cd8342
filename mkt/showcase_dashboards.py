"""Showcase: the analysts' Superset dashboards (dashboards/), imported and read through Superset's REST API.

`show(base_url, console)` imports the bundle (idempotent full overwrite), lists the dashboards with their addresses
and prints the Executive and Vendors headline figures as Superset computes them from the warehouse."""
from __future__ import annotations

from rich.table import Table

from dashboards.bundle import asset_uuid, build_bundle
from dashboards.superset_api import SupersetApi, SupersetError
from kernel.settings import stack_settings, superset_settings

HEADLINES = ("exec_gmv", "exec_aov", "exec_paid_orders", "exec_conversion_total", "vendors_on_time_total",
             "vendors_refund_rate", "customers_repeat_rate", "risk_caught_orders")
PERCENT = {"conversion", "on_time_rate", "refund_rate", "repeat_rate"}


def _figure(name: str, value) -> str:
    if value is None:
        return "-"
    if name in PERCENT:
        return f"{value:.2%}"
    if name in ("gmv", "aov"):
        return f"${value:,.2f}"
    return f"{value:,}"


def show(base_url: str, console) -> None:
    settings = stack_settings()
    console.rule("Superset dashboards (dashboards/*.yaml)")
    try:
        with SupersetApi.login(settings) as api:
            api.import_bundle(build_bundle(settings), settings)
            boards = api.list("dashboard")
            charts = {c["uuid"]: c for c in api.list("chart") if c.get("uuid")}
            table = Table("dashboard", "address", title=f"Superset at {settings.superset_url} "
                                                         f"(user {superset_settings().admin_user})")
            for board in sorted(boards, key=lambda b: b["dashboard_title"]):
                table.add_row(board["dashboard_title"],
                              f"{settings.superset_url.rstrip('/')}/superset/dashboard/{board['slug'] or board['id']}/")
            console.print(table)
            figures = Table("chart", "value", title="Headline figures (Superset over the warehouse)")
            for key in HEADLINES:
                chart = charts.get(asset_uuid("chart", key))
                if chart is None:
                    continue
                row = (api.chart_data(chart["id"]) or [{}])[0]
                name, value = next(iter(row.items()), ("", None))
                figures.add_row(chart["slice_name"], _figure(name, value))
            console.print(figures)
    except SupersetError as exc:
        console.print(f"[red]Superset is not reachable or refused the import:[/red] {exc}")
