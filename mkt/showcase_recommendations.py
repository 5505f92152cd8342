"""Showcase: recommendations through the public API — a shopper's "recommended for you" with the strategy and
model version behind it, and a product page's "frequently bought together". Seen as staff (the demo admin), who
may ask for any shopper: the shopper is the buyer of a recent order, the product one of that order's."""
from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from mkt.demo import DEMO_ADMIN, DEMO_ADMIN_PASSWORD

SHOWN = 8


def _titles(http: httpx.Client, ids: list[str]) -> dict[str, str]:
    """Product titles for display (public catalog listing; unknown ids show as ids)."""
    titles: dict[str, str] = {}
    for pid in ids:
        resp = http.get(f"/v1/products/{pid}")
        if resp.status_code == 200:
            titles[pid] = resp.json().get("title", pid)
    return titles


def _table(http: httpx.Client, title: str, items: list[dict]) -> Table:
    names = _titles(http, [i["productId"] for i in items[:SHOWN]])
    table = Table(title=title)
    for col in ("#", "product", "score", "why"):
        table.add_column(col, overflow="fold")
    for n, item in enumerate(items[:SHOWN], start=1):
        table.add_row(str(n), names.get(item["productId"], item["productId"]), f"{item['score']:.3f}",
                      item.get("reason", ""))
    return table


def _recent_order(http: httpx.Client, staff: dict) -> dict | None:
    resp = http.get("/v1/admin/orders", params={"perPage": 20}, headers=staff)
    if resp.status_code != 200:
        return None
    body = resp.json()
    orders = body.get("items", body) if isinstance(body, dict) else body
    return next((o for o in orders if o.get("userId") and o.get("items")), None)


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        login = http.post("/v1/auth/login", json={"email": DEMO_ADMIN, "password": DEMO_ADMIN_PASSWORD})
        if login.status_code != 200:
            console.print("[yellow]no demo admin to sign in as (run `make demo`)[/]")
            return
        staff = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        order = _recent_order(http, staff)
        params = {"userId": order["userId"], "limit": SHOWN} if order else {"limit": SHOWN}
        home = http.get("/v1/ai/recommendations", params=params, headers=staff)
        if home.status_code != 200:
            console.print(f"[red]recommendations answered {home.status_code}: {home.text[:300]}[/]")
            return
        body = home.json()
        who = f"shopper {order['userId'][:8]}…" if order else "an anonymous visitor"
        console.print(_table(http, f"Recommended for {who}", body["items"]))
        console.print(f"strategy [bold]{body['strategy']}[/], model version {body['modelVersion'] or 'none'}, "
                      f"A/B variant {body.get('variant') or '—'}, requestId {body['requestId']}, "
                      f"cache hit {body['cacheHit']}")
        product = (order["items"][0].get("productId") if order else None) or \
            (body["items"][0]["productId"] if body["items"] else None)
        if product is None:
            console.print("[yellow]no product to show 'frequently bought together' for[/]")
            return
        page = http.get("/v1/ai/recommendations", params={"context": "product", "productId": product,
                                                           "limit": SHOWN}).json()
        name = _titles(http, [product]).get(product, product)
        console.print(_table(http, f"Frequently bought together with “{name}”",
                             page.get("frequentlyBoughtTogether") or []))
        console.print(_table(http, f"Similar to “{name}” (strategy {page['strategy']}, model "
                                   f"{page['modelVersion'] or 'none'})", page["items"]))
