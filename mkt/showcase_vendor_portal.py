"""Showcase: the vendor portal in the browser's shoes — a world vendor signs in through the web's login form (the
API's tokens land in httpOnly cookies) and opens each portal page; beside each page, the figure it leads with,
read from the public API with the same account."""
from __future__ import annotations

import re
import time

import httpx
import jwt
from rich.console import Console
from rich.table import Table

from simulator.world_spec import SIM_PASSWORD, last_world, owner_email

PAGES = ("/vendor", "/vendor/products", "/vendor/stock", "/vendor/orders", "/vendor/earnings", "/vendor/forecasts",
         "/vendor/prices", "/vendor/apply")


def _web_sign_in(web: httpx.Client, email: str) -> bool:
    web.get("/login")  # sets the CSRF cookie the form must echo
    resp = web.post("/login", data={"email": email, "password": SIM_PASSWORD,
                                    "csrftoken": web.cookies.get("csrftoken", "")})
    return resp.status_code == 303 and "mkt_access" in web.cookies


def _figures(api: httpx.Client, token: str) -> dict[str, str]:
    vid = jwt.decode(token, options={"verify_signature": False}).get("vendorId")
    auth = {"Authorization": f"Bearer {token}"}

    def get(path: str, **params) -> dict | list | None:
        resp = api.get(f"/v1/vendors/{vid}{path}", params=params, headers=auth)
        return resp.json() if resp.status_code == 200 else None

    products, low = get("/products", perPage=1), get("/inventory", lowStock="true", perPage=1)
    to_ship, earnings = get("/orders", status="processing", perPage=1), get("/earnings", perPage=1)
    forecasts, prices = get("/forecasts"), get("/price-suggestions")
    soonest = forecasts[0] if forecasts else None
    return {
        "/vendor/products": f"{products['total']} products" if products else "—",
        "/vendor/stock": f"{low['total']} SKUs at or under the reorder point" if low else "—",
        "/vendor/orders": f"{to_ship['total']} orders to ship" if to_ship else "—",
        "/vendor/earnings": (f"available {earnings['availableMinor'] / 100:,.2f} {earnings['currency']}, pending "
                             f"{earnings['pendingMinor'] / 100:,.2f}") if earnings else "—",
        "/vendor/forecasts": (f"{len(forecasts)} SKUs; soonest stock-out {soonest['sku']} in "
                              f"{soonest['daysToStockout']} days, reorder {soonest['reorderQty']}")
        if soonest else "no forecast yet",
        "/vendor/prices": (f"{sum(1 for p in prices if p['status'] == 'open')} open suggestions" if prices is not None
                           else "switched off"),
    }


def show(base_url: str, console: Console) -> None:
    cfg = last_world()
    if cfg is None:
        console.print("[yellow]no simulated world seeded yet (run `make demo`)[/]")
        return
    with httpx.Client(base_url=base_url, timeout=30) as web, httpx.Client(base_url=base_url, timeout=30) as api:
        email = next((owner_email(cfg, i) for i in range(min(cfg.vendors, 5))
                      if _web_sign_in(web, owner_email(cfg, i))), None)
        if email is None:
            console.print("[yellow]no world vendor could sign in to the web[/]")
            return
        token = api.post("/v1/auth/login", json={"email": email, "password": SIM_PASSWORD}).json()["accessToken"]
        figures = _figures(api, token)
        table = Table(title=f"Vendor portal as {email} — {base_url}/vendor")
        for col in ("page", "status", "server ms", "title", "leads with"):
            table.add_column(col, justify="right" if col == "server ms" else "left", overflow="fold")
        for path in PAGES:
            started = time.perf_counter()
            resp = web.get(path)
            ms = (time.perf_counter() - started) * 1000
            title = re.search(r"<title>(.*?) · ", resp.text)
            table.add_row(path, str(resp.status_code), f"{ms:.0f}", title.group(1) if title else "—",
                          figures.get(path, ""))
        console.print(table)
