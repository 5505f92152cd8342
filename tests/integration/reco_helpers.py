"""Helpers for the recommendations tests: a small shop of their own (fresh vendors and categories, so category
answers are exact), the serving app's state, a champion store pointed at a test model-name prefix, and calls of
the route."""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
from sqlalchemy import text

from apps.serving.champions import CHALLENGER, CHAMPION, ChampionStore
from tests.flows import active_product, approved_vendor, bearer, deliver_now, eventually, new_category

ROUTE = "/v1/ai/recommendations"


def serving(gateway):
    return gateway.state.services["serving"]


async def serving_rows(gateway, sql: str, **params: Any) -> list[Any]:
    async with serving(gateway).state.db.engine.connect() as conn:
        return list(await conn.execute(text(sql), params))


async def ask(client: httpx.AsyncClient, token: str | None = None, **params: Any) -> httpx.Response:
    return await client.get(ROUTE, params=params, headers=bearer(token) if token else {})


def ids(resp: httpx.Response) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [item["productId"] for item in resp.json()["items"]]


async def showable(gateway, product_id: str) -> bool:
    found = await serving_rows(gateway, """
        SELECT 1 FROM reco_products p JOIN reco_vendors v ON v.vendor_id = p.vendor_id AND v.status = 'active'
        WHERE p.product_id = :p AND p.status = 'active'
          AND EXISTS (SELECT 1 FROM reco_stock s WHERE s.product_id = p.product_id AND s.available > 0)""",
                               p=product_id)
    return bool(found)


async def reco_shop(client, gateway, admin_token) -> dict:
    """Vendor A with four products in category C (stock 50 each), vendor B with two in category D; every
    product projected by serving (events handed over at once, see tests/flows.py, then checked in its tables)."""
    va, vb = await asyncio.gather(approved_vendor(client, admin_token), approved_vendor(client, admin_token))
    cat_c, cat_d = await asyncio.gather(new_category(client, admin_token), new_category(client, admin_token))
    products = await asyncio.gather(
        *[active_product(client, admin_token, va, stock=50, category_ids=[cat_c["id"]]) for _ in range(4)],
        *[active_product(client, admin_token, vb, stock=50, category_ids=[cat_d["id"]]) for _ in range(2)])
    for p in products:
        await deliver_now(client, "inventory", p["sku"])
    for p in products:
        await eventually(lambda p=p: showable(gateway, p["id"]), bool, what=f"serving to project {p['id']}")
    return {"va": va, "vb": vb, "C": cat_c["id"], "D": cat_d["id"], "c": products[:4], "d": products[4:]}


@contextlib.asynccontextmanager
async def champions_named(gateway, prefix: str):
    """Point the serving app's recommendations at `<prefix>marketplace-recommendations` for the block (the
    shared gateway's store follows the real champions; it is put back afterwards)."""
    app = serving(gateway)
    before = app.state.champions
    store = ChampionStore(app.state.settings.mlflow_tracking_uri,
                          names={"recommendations": f"{prefix}marketplace-recommendations"},
                          aliases=(CHAMPION, CHALLENGER), poll_seconds=3600)
    await store.refresh()
    app.state.champions = store
    app.state.recommendations.champions = store
    try:
        yield store
    finally:
        app.state.champions = before
        app.state.recommendations.champions = before
