"""Showcase: recommendations through the public API — a shopper's "recommended for you" with the strategy and
model version behind it, and a product page's "frequently bought together". Seen as staff (the demo admin), who
may ask for any shopper: the shopper is the buyer of a recent order, the product one of that order's."""
from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from mkt.showcase_auth import staff_headers

SHOWN = 8


def _table(title: str, items: list[dict]) -> Table:
    table = Table(title=title)
    for col in ("#", "product", "score", "why"):
        table.add_column(col, overflow="fold")
    for n, item in enumerate(items[:SHOWN], start=1):
        table.add_row(str(n), item["productId"], f"{item['score']:.3f}", item.get("reason", ""))
    return table


def _recent_orders(http: httpx.Client, staff: dict) -> list[dict]:
    resp = http.get("/v1/admin/orders", params={"perPage": 50}, headers=staff)
    if resp.status_code != 200:
        return []
    body = resp.json()
    orders = body.get("items", []) if isinstance(body, dict) else body
    return [o for o in orders if o.get("userId")]


def _first(answers, good):
    """The first answer that shows the feature at its best, else the first answer at all."""
    seen = []
    for answer in answers:
        if answer is None:
            continue
        if good(answer):
            return answer
        seen.append(answer)
    return seen[0] if seen else None


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        staff = staff_headers(http, console)
        if staff is None:
            return
        orders = _recent_orders(http, staff)[:30]

        def personal(order: dict) -> tuple[dict, dict] | None:
            resp = http.get("/v1/ai/recommendations", params={"userId": order["userId"], "limit": SHOWN},
                            headers=staff)
            return (order, resp.json()) if resp.status_code == 200 else None

        # a buyer the model knows shows the model at work; others get the fallback chain
        found = _first((personal(o) for o in orders), lambda pair: pair[1]["strategy"] == "model")
        if found is None:
            anonymous = http.get("/v1/ai/recommendations", params={"limit": SHOWN})
            found = (None, anonymous.json())
        order, body = found
        who = f"shopper {order['userId'][:8]}…" if order else "an anonymous visitor"
        console.print(_table(f"Recommended for {who}", body["items"]))
        console.print(f"strategy [bold]{body['strategy']}[/], model version {body['modelVersion'] or 'none'}, "
                      f"A/B variant {body.get('variant') or '—'}, requestId {body['requestId']}, "
                      f"cache hit {body['cacheHit']}")
        products = [line["productId"] for o in orders for line in o.get("items") or [] if line.get("productId")]
        products += [i["productId"] for i in body["items"]]

        def page(product_id: str) -> tuple[str, dict] | None:
            resp = http.get("/v1/ai/recommendations", params={"context": "product", "productId": product_id,
                                                               "limit": SHOWN})
            return (product_id, resp.json()) if resp.status_code == 200 else None

        shown = _first((page(p) for p in dict.fromkeys(products[:40])),
                       lambda pair: bool(pair[1].get("frequentlyBoughtTogether")))
        if shown is None:
            console.print("[yellow]no product to show 'frequently bought together' for[/]")
            return
        product, answer = shown
        console.print(_table(f"Frequently bought together with {product}", answer.get("frequentlyBoughtTogether") or []))
        console.print(_table(f"Similar to {product} (strategy {answer['strategy']}, model "
                             f"{answer['modelVersion'] or 'none'})", answer["items"]))
