"""What several storefront pages fetch the same way: product cards for a list of ids (recommendations answer with
ids only), the search filters a page keeps in its links, and API calls that may fail without failing the page
(a widget that cannot load says so in words; the rest of the page still shows)."""
from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from apps.web.api import Api, ApiError

FILTER_KEYS = ("category", "brand", "vendor", "price", "rating")
CARDS_MAX = 100  # the catalog's `ids` limit


@dataclass
class Widget:
    """A side part of a page: its data, or the API's reason it has none."""

    items: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


async def optional(call: Awaitable[Any]) -> tuple[Any, str | None]:
    """(answer, None) or (None, the API's detail): for widgets that must not take the page down with them."""
    try:
        return await call, None
    except ApiError as exc:
        return None, exc.message


async def cards(api: Api, ids: list[str]) -> list[dict[str, Any]]:
    """Product summaries for `ids` in the given order, one catalog call; ids no longer public drop out."""
    wanted = list(dict.fromkeys(i for i in ids if i))[:CARDS_MAX]
    if not wanted:
        return []
    page = await api.get("/v1/products", params={"ids": ",".join(wanted), "perPage": min(len(wanted), 100)})
    by_id = {p["id"]: p for p in page.get("items", [])}
    return [by_id[i] for i in wanted if i in by_id]


async def reco_widget(api: Api, *, token: str | None, context: str, limit: int = 8,
                      product_id: str | None = None) -> tuple[Widget, Widget]:
    """Recommendations as cards: (the main list, frequently bought together). The API decides who is asking from
    the token (a shopper gets their own list, an anonymous visitor a non-personal one)."""
    params: dict[str, Any] = {"context": context, "limit": limit, "productId": product_id}
    answer, error = await optional(api.get("/v1/ai/recommendations", token=token, params=params))
    if answer is None:
        return Widget(error=error), Widget(error=error)
    main_ids = [i["productId"] for i in answer.get("items", [])]
    fbt_ids = [i["productId"] for i in answer.get("frequentlyBoughtTogether") or []]
    found, error = await optional(cards(api, main_ids + fbt_ids))
    if found is None:
        return Widget(error=error), Widget(error=error)
    by_id = {c["id"]: c for c in found}
    meta = {"strategy": answer.get("strategy"), "modelVersion": answer.get("modelVersion"),
            "variant": answer.get("variant"), "requestId": answer.get("requestId")}
    return (Widget([by_id[i] for i in main_ids if i in by_id], meta=meta),
            Widget([by_id[i] for i in fbt_ids if i in by_id], meta=meta))


def search_params(filters: dict[str, str], q: str, page: int, per_page: int) -> dict[str, Any]:
    """The page's filters (as its links carry them) → /v1/search query parameters. The price facet's values are
    ranges in whole currency units ("10-25", "500+"); the rating facet's are whole stars."""
    # only the facets the page shows (the API's default also counts attributes)
    params: dict[str, Any] = {"q": q or "*", "page": page, "perPage": per_page, "facets": ",".join(FILTER_KEYS)}
    for key in ("category", "brand", "vendor"):
        if filters.get(key):
            params[key] = filters[key]
    price = filters.get("price") or ""
    low, _, high = price.rstrip("+").partition("-")
    if low.isdigit():
        params["minPrice"] = int(low) * 100
    if high.isdigit():
        params["maxPrice"] = int(high) * 100 - 1
    if (filters.get("rating") or "").isdigit():
        params["minRating"] = int(filters["rating"])
    return params


def link(q: str, filters: dict[str, str], **change: Any) -> str:
    """/search URL with this query and filters, `change` applied (None removes a key)."""
    merged: dict[str, Any] = {"q": q, **filters}
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return "/search?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})
