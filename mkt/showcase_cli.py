"""`mkt showcase`: the end of the demo. What the models learned, shown through the public API as each user meets it:
a shopper's recommendations, search, the risk queue, a vendor's forecasts and prices; then the web pages, the
dashboards, the reports and alerts, and where to look with one login per role. Each section lives in its own
mkt/showcase_<area>.py with `show(base_url, console)`; one failing section is reported and the others still run."""
from __future__ import annotations

import importlib
import time

import httpx
import typer
from rich.console import Console
from rich.rule import Rule

from kernel.settings import stack_settings

SECTIONS: tuple[tuple[str, str], ...] = (
    ("Recommendations (shopper)", "mkt.showcase_recommendations"),
    ("Search: typo, synonym, Bengali (shopper)", "mkt.showcase_search"),
    ("Fraud review queue (risk team)", "mkt.showcase_fraud"),
    ("Forecasts and price suggestions (vendor)", "mkt.showcase_vendor_insights"),
    ("Storefront pages (shopper, in the browser)", "mkt.showcase_storefront"),
    ("Vendor portal (a world vendor, in the browser)", "mkt.showcase_vendor_portal"),
    ("Back office (super admin)", "mkt.showcase_backoffice"),
    ("Risk console (risk team, in the browser)", "mkt.showcase_risk_console"),
    ("Superset dashboards (analysts)", "mkt.showcase_dashboards"),
    ("Daily report and alerts (Dagster → notifications)", "mkt.showcase_reports"),
    ("Where to look: the web faces and the data tools", "mkt.showcase_web"),
)


def _wait_for_models(base_url: str, console: Console, timeout_s: float) -> None:
    """The serving service polls MLflow's aliases: right after `mkt train` it may not have loaded the champions."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(base_url=base_url, timeout=10) as http:
        while time.monotonic() < deadline:
            try:
                body = http.get("/readyz").json()
            except httpx.HTTPError:
                body = {}
            if body.get("status") == "ok":
                return
            time.sleep(2)
    console.print("[yellow]the API is not ready yet; the sections below may show fallbacks[/]")


def showcase(only: list[str] = typer.Argument(None, help="Sections by module suffix, e.g. search fraud."),
             wait_s: float = typer.Option(90.0, "--wait", help="Seconds to wait for the API to be ready.")) -> None:
    console = Console()
    base_url = stack_settings().gateway_url
    _wait_for_models(base_url, console, wait_s)
    failed: list[str] = []
    for title, module in SECTIONS:
        if only and not any(module.endswith(o) for o in only):
            continue
        console.print(Rule(title))
        try:
            importlib.import_module(module).show(base_url, console)
        except Exception as exc:  # noqa: BLE001 - one broken section must not hide the others
            failed.append(title)
            console.print(f"[red]{title} failed: {type(exc).__name__}: {exc}[/]")
    if failed:
        raise typer.Exit(1)
