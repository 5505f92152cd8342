"""Demo section: search as a shopper meets it, through the public API (no sign-in needed): a typo, a synonym, a
Bengali query (found by meaning: the simulated catalogue's titles are English), and autocomplete."""
from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

QUERIES = (
    ("typo", "hedphones", "keyword"),
    ("synonym (trainers ↔ sneakers)", "trainers", "keyword"),
    ("Bengali: জুতা = shoes", "জুতা", "hybrid"),
    ("Bengali: মোবাইল ফোন = mobile phone", "মোবাইল ফোন", "hybrid"),
)


def _money(minor: int) -> str:
    return f"{minor / 100:,.2f}"


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for label, q, mode in QUERIES:
            resp = http.get("/v1/search", params={"q": q, "mode": mode, "perPage": 5})
            resp.raise_for_status()
            body = resp.json()
            table = Table(title=f"{label}: q={q!r} ({body['mode']}, {body['found']} found, {body['took_ms']:.0f} ms)",
                          title_justify="left")
            for column in ("title", "price", "rating", "vendor"):
                table.add_column(column)
            for hit in body["hits"]:
                table.add_row(hit["title"], _money(hit["priceMinor"]), f"{hit['ratingAvg']:.1f}", hit["vendorName"])
            console.print(table)
            facets = body.get("facets", {}).get("category", [])[:4]
            if facets:
                console.print("  categories: " + ", ".join(f"{f['value']} ({f['count']})" for f in facets))
        suggest = http.get("/v1/search/suggest", params={"q": "head"})
        suggest.raise_for_status()
        titles = [s["title"] for s in suggest.json()["suggestions"][:5]]
        console.print(f"autocomplete 'head' → {', '.join(titles) or '(nothing)'}")
