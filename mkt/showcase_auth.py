"""Signing the showcase in as the demo's staff account (created by `mkt demo`)."""
from __future__ import annotations

import httpx
from rich.console import Console

from mkt.demo import DEMO_ADMIN, DEMO_ADMIN_PASSWORD


def staff_headers(http: httpx.Client, console: Console) -> dict[str, str] | None:
    login = http.post("/v1/auth/login", json={"email": DEMO_ADMIN, "password": DEMO_ADMIN_PASSWORD})
    if login.status_code != 200:
        console.print("[yellow]no demo admin to sign in as (run `make demo`)[/]")
        return None
    return {"Authorization": f"Bearer {login.json()['accessToken']}"}
