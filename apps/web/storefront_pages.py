"""The storefront's public pages: home (recommended for you, trending), search (facets, filters, autocomplete,
paging) and the product page (images, variants, stock, reviews, frequently bought together, similar items).
Cart, checkout and orders are in shop_cart_pages.py, shop_checkout_pages.py and shop_orders_pages.py."""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request

from apps.web.access import PUBLIC, ViewerDep, page
from apps.web.api import ApiError
from apps.web.render import render
from apps.web.shop_data import FILTER_KEYS, Widget, cards, link, optional, reco_widget, search_params

router = APIRouter()
PER_PAGE = 12
TRENDING = 8


def _shopper_token(viewer) -> str | None:
    # Staff asking without a userId get a non-personal list anyway; only a shopper's own token personalises.
    return viewer.token if viewer is not None and viewer.has_any("customer") else None


async def _trending(api) -> Widget:
    """The search index's wildcard order is its popularity-and-freshness rank: what sells now."""
    # facets="," asks for none (an empty value would be dropped): counting facets over the whole index is the
    # costly part of a wildcard query, and the home page shows none.
    answer, error = await optional(api.get("/v1/search", params={"q": "*", "perPage": TRENDING, "facets": ","}))
    if answer is None:
        return Widget(error=error)
    hits = answer.get("hits", [])
    found, _ = await optional(cards(api, [h["productId"] for h in hits]))  # pictures and currency
    catalog = {c["id"]: c for c in found or []}
    return Widget([{"id": h["productId"], "slug": h["slug"], "title": h["title"], "priceMinor": h["priceMinor"],
                    "currency": catalog.get(h["productId"], {}).get("currency", "USD"),
                    "image": catalog.get(h["productId"], {}).get("image"), "ratingAvg": h.get("ratingAvg"),
                    "vendorName": h.get("vendorName")} for h in hits])


@page(router, "/", title="Home", roles=PUBLIC, area="shop")
async def home(request: Request, viewer: ViewerDep):
    api = request.app.state.api
    token = _shopper_token(viewer)
    (recommended, _), trending = await asyncio.gather(
        reco_widget(api, token=token, context="home", limit=TRENDING), _trending(api))
    return render(request, "shop/home.html", {"recommended": recommended, "trending": trending,
                                               "personal": token is not None})


@page(router, "/search", title="Search", roles=PUBLIC, area="shop")
async def search(request: Request, viewer: ViewerDep, q: Annotated[str, Query(max_length=200)] = "",
                 page_no: Annotated[int, Query(alias="page", ge=1, le=1000)] = 1,
                 category: str = "", brand: str = "", vendor: str = "", price: str = "", rating: str = ""):
    filters = {k: v for k, v in zip(FILTER_KEYS, (category, brand, vendor, price, rating), strict=True) if v}
    ctx = {"q": q, "filters": filters, "page_no": page_no, "link": link, "result": None}
    try:
        result = await request.app.state.api.get("/v1/search", params=search_params(filters, q, page_no, PER_PAGE))
    except ApiError as exc:
        return render(request, "shop/search.html", ctx, status=exc.status if exc.status < 500 else 503,
                      error=exc.message)
    pages = max(1, -(-int(result.get("found", 0)) // PER_PAGE))
    # The index has no pictures: one catalog call adds each hit's image (the results show without it if it fails).
    found, _ = await optional(cards(request.app.state.api, [h["productId"] for h in result.get("hits", [])]))
    images = {c["id"]: c.get("image") for c in found or []}
    ctx.update(result=result, pages=pages, images=images)
    return render(request, "shop/search.html", ctx)


@page(router, "/search/suggest", title="Suggestions", roles=PUBLIC, area="shop", nav=False)
async def suggest(request: Request, viewer: ViewerDep, q: Annotated[str, Query(max_length=200)] = ""):
    """htmx fragment under the search box, as the shopper types."""
    suggestions: dict = {"suggestions": [], "categories": []}
    if q.strip():
        answer, _ = await optional(request.app.state.api.get("/v1/search/suggest", params={"q": q, "limit": 6}))
        suggestions = answer or suggestions
    return render(request, "shop/_suggest.html", {"s": suggestions, "q": q})


async def _stock(api, sku: str) -> dict | None:
    answer, _ = await optional(api.get(f"/v1/inventory/{sku}"))
    return answer


async def product_context(request: Request, viewer, slug: str, sku: str = "") -> dict:
    """Everything the product page shows; the add-to-cart action re-renders it with the API's problem."""
    api = request.app.state.api
    item = await api.get(f"/v1/products/{slug}")  # 404 → the error page with the API's detail
    variants = item.get("variants", [])
    stock_answers, (reviews, reviews_error), (similar, fbt) = await asyncio.gather(
        asyncio.gather(*(_stock(api, v["sku"]) for v in variants)),
        optional(api.get(f"/v1/products/{item['id']}/reviews", params={"perPage": 10})),
        reco_widget(api, token=_shopper_token(viewer), context="product", product_id=item["id"], limit=6))
    stock = {v["sku"]: s for v, s in zip(variants, stock_answers, strict=True)}
    chosen = next((v for v in variants if v["sku"] == sku), None) or next(
        (v for v in variants if (stock.get(v["sku"]) or {}).get("available", 0) > 0), variants[0] if variants else None)
    return {"p": item, "variants": variants, "stock": stock, "chosen": chosen, "reviews": reviews or {},
            "reviews_error": reviews_error, "similar": similar, "fbt": fbt,
            "can_buy": viewer is not None and viewer.has_any("customer")}


@page(router, "/p/{slug}", title="Product", roles=PUBLIC, area="shop")
async def product(request: Request, slug: str, viewer: ViewerDep, sku: str = ""):
    return render(request, "shop/product.html", await product_context(request, viewer, slug, sku))
