"""Showcase: the storefront in the browser. Fetches the public shop pages a visitor opens first (home, a search
with a typo, the top product's page) and prints what each shows and how long the server took, with the address
to open; the shopper's own pages (cart, checkout, orders) need the demo shopper's login (see showcase_web)."""
from __future__ import annotations

import re
import time

import httpx
from rich.console import Console
from rich.table import Table

SHOPPER_PAGES = ("/cart", "/checkout", "/orders")


def _get(http: httpx.Client, path: str) -> tuple[int, float, str]:
    started = time.perf_counter()
    resp = http.get(path)
    return resp.status_code, (time.perf_counter() - started) * 1000, resp.text


def _count(html: str, testid: str) -> int:
    return len(re.findall(rf'data-testid="{testid}"', html))


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as http:
        hits = http.get("/v1/search", params={"q": "*", "perPage": 1}).json().get("hits", [])
        if not hits:
            console.print("[yellow]storefront: the search index is empty, nothing to show[/]")
            return
        title, slug = hits[0]["title"], hits[0]["slug"]
        word = max(title.split(), key=len).lower()
        typo = word[: len(word) // 2] + word[len(word) // 2 + 1:]
        table = Table(title=f"Storefront pages (anonymous visitor) on {base_url}")
        for col in ("page", "address", "status", "server ms", "what it shows"):
            table.add_column(col, overflow="fold")
        status, ms, html = _get(http, "/")
        table.add_row("home", f"{base_url}/", str(status), f"{ms:.0f}",
                      f"{_count(html, 'product-card')} product cards (popular right now, trending)")
        status, ms, html = _get(http, f"/search?q={typo}")
        found = re.search(r'data-testid="found"[^>]*>\s*(\d+) result', html)
        table.add_row(f"search “{typo}” (typo of “{word}”)", f"{base_url}/search?q={typo}", str(status), f"{ms:.0f}",
                      f"{found.group(1) if found else 0} results, facets: "
                      f"{', '.join(re.findall(r'<summary>(Category|Brand|Seller|Price|Rating)</summary>', html))}")
        status, ms, html = _get(http, f"/p/{slug}")
        table.add_row("product", f"{base_url}/p/{slug}", str(status), f"{ms:.0f}",
                      f"{title}: {_count(html, 'product-card')} similar / bought-together cards, stock and reviews")
        console.print(table)
        console.print("Signed in as the demo shopper: " + ", ".join(f"{base_url}{p}" for p in SHOPPER_PAGES)
                      + " (cart with coupon, checkout, simulated payment, tracking, returns, reviews).")
