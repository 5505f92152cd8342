"""The demo's last words: where each user works in the browser, with one login per role, and the data tools."""
from __future__ import annotations

import asyncio

import httpx
from rich.console import Console
from rich.table import Table

from kernel.settings import stack_settings
from mkt.admin_cli import create_super_admin
from mkt.demo import DEMO_ADMIN, DEMO_ADMIN_PASSWORD
from simulator.world_spec import SIM_PASSWORD, last_world, owner_email

DEMO_STAFF, DEMO_STAFF_PASSWORD = "demo-staff@example.com", "demo-staff-pass-1"
DEMO_SHOPPER, DEMO_SHOPPER_PASSWORD = "demo-shopper@example.com", "demo-shopper-pass-1"


def _ensure_shopper(http: httpx.Client) -> None:
    resp = http.post("/v1/auth/register", json={"email": DEMO_SHOPPER, "password": DEMO_SHOPPER_PASSWORD,
                                                "name": "Demo Shopper"})
    if resp.status_code not in (201, 409):
        resp.raise_for_status()


def _world_vendor_login(http: httpx.Client) -> str | None:
    cfg = last_world()
    if cfg is None:
        return None
    for idx in range(min(cfg.vendors, 5)):
        email = owner_email(cfg, idx)
        if http.post("/v1/auth/login", json={"email": email, "password": SIM_PASSWORD}).status_code == 200:
            return email
    return None


def logins(base_url: str) -> list[tuple[str, str, str, str]]:
    """(role, where, email, password) for each role, creating the demo staff and shopper accounts if missing."""
    asyncio.run(create_super_admin(DEMO_STAFF, DEMO_STAFF_PASSWORD, "Demo Staff", role="staff"))
    with httpx.Client(base_url=base_url, timeout=30) as http:
        _ensure_shopper(http)
        vendor = _world_vendor_login(http)
    rows = [("shopper", "/", DEMO_SHOPPER, DEMO_SHOPPER_PASSWORD)]
    if vendor:
        rows.append(("vendor (world vendor owner)", "/vendor", vendor, SIM_PASSWORD))
    rows += [("staff (support, refunds, risk)", "/admin", DEMO_STAFF, DEMO_STAFF_PASSWORD),
             ("super admin (everything)", "/admin", DEMO_ADMIN, DEMO_ADMIN_PASSWORD)]
    return rows


def show(base_url: str, console: Console) -> None:
    table = Table(title=f"Web: {base_url}/  (storefront, vendor portal, back office, risk console)")
    for col in ("role", "start at", "email", "password"):
        table.add_column(col)
    for role, where, email, password in logins(base_url):
        table.add_row(role, f"{base_url}{where}", email, password)
    console.print(table)
    settings = stack_settings()
    tools = Table(title="Data platform")
    tools.add_column("tool")
    tools.add_column("address")
    superset_url = getattr(settings, "superset_url", None)
    if superset_url:
        tools.add_row("Superset dashboards", f"{superset_url}/dashboard/list/")
    tools.add_row("Dagster (pipelines, schedules, sensors)", settings.dagster_url)
    tools.add_row("MLflow (models, champions)", settings.mlflow_tracking_uri)
    tools.add_row("Mail sink (reports, alerts): one .eml per mail", str(settings.stack_dir / "smtp" / "mail"))
    console.print(tools)
