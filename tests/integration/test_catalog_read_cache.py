"""The catalog's read cache on the real stack (PostgreSQL, Redis): ETag/304 through the gateway, and writes
(price change, approval, vendor suspension) reaching both the process that made them (at once) and a second
catalog process with its own cache (within the documented bound: read_cache_refresh_seconds, docs/consistency.md).
The second process is a second catalog app in this test process: its own engine, its own ReadCache, the same
Redis generation — what another `mkt serve` worker would hold."""
from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from apps.catalog.config import CatalogSettings
from apps.catalog.main import create_app
from kernel.service_app import Wiring
from tests.integration.catalog_helpers import (active_vendor, approve, bearer, category_tree, create_product,
                                               product_body, project_vendor)

# The documented bound (refresh interval, 0.5 s) plus slack for a loaded 2-core machine running the test.
BOUND_SECONDS = CatalogSettings().read_cache_refresh_seconds + 1.5


@pytest.fixture
async def other_process():
    """A second catalog worker: no relay, consumers or sweepers (as `mkt serve`'s extra workers)."""
    app = create_app(wiring=Wiring(run_relay=False, run_consumers=False, run_periodic=False))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://catalog") as http:
            http.cache = app.state.read_cache  # so the test can see it served from memory
            yield http


async def seen_within_bound(fetch, until) -> float:
    """Seconds until `until(await fetch())` held; fails past the bound."""
    started = time.monotonic()
    while True:
        if until(await fetch()):
            return time.monotonic() - started
        assert time.monotonic() - started < BOUND_SECONDS, "the write was not visible within the bound"
        await asyncio.sleep(0.05)


async def test_etag_cache_control_and_304_through_the_gateway(client, gateway, admin_token):
    cats = await category_tree(client, admin_token)
    vendor = await active_vendor(gateway)
    created = await create_product(client, vendor, product_body([cats["child"]["id"]]))
    await approve(client, admin_token, created["id"])

    first = await client.get(f"/v1/products/{created['slug']}")
    assert first.status_code == 200 and first.headers["cache-control"] == "public, max-age=30"
    etag = first.headers["etag"]
    again = await client.get(f"/v1/products/{created['slug']}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert "content-length" not in again.headers  # the gateway's hop claims no length for a 304 (RFC 9110 §8.6)
    assert again.headers["cache-control"] == "public, max-age=30"
    assert (await client.get(f"/v1/products/{created['slug']}")).content == first.content  # cached bytes

    listing = await client.get("/v1/products", params={"vendor": vendor["id"]})
    assert listing.status_code == 200 and listing.headers["cache-control"] == "public, max-age=5"
    assert listing.json()["total"] == 1
    same = await client.get("/v1/products", params={"vendor": vendor["id"]},
                            headers={"If-None-Match": f'"other", {listing.headers["etag"]}'})
    assert same.status_code == 304 and same.content == b""
    cats_resp = await client.get("/v1/categories")
    assert cats_resp.status_code == 200 and cats["child"]["id"] in {c["id"] for c in cats_resp.json()["items"]}
    assert (await client.get("/v1/categories", headers={"If-None-Match": cats_resp.headers["etag"]})).status_code \
        == 304


async def test_writes_reach_this_process_at_once_and_another_within_the_bound(client, gateway, admin_token,
                                                                                other_process):
    cats = await category_tree(client, admin_token)
    vendor = await active_vendor(gateway)
    body = product_body([cats["child"]["id"]], prices=(1000,))
    created = await create_product(client, vendor, body)
    path = f"/v1/products/{created['slug']}"

    # Approval: both processes had cached the 'not public' answers (an empty list; 404 is never cached).
    assert (await other_process.get("/v1/products", params={"vendor": vendor["id"]})).json()["total"] == 0
    await approve(client, admin_token, created["id"])
    assert (await client.get(path)).status_code == 200
    await seen_within_bound(lambda: other_process.get("/v1/products", params={"vendor": vendor["id"]}),
                            lambda r: r.json()["total"] == 1)

    # Price change: both have the product page cached with the old price.
    old = await client.get(path)
    assert (await other_process.get(path)).json()["priceMinor"] == 1000
    hits = other_process.cache.hits
    assert (await other_process.get(path)).json()["priceMinor"] == 1000 and other_process.cache.hits == hits + 1
    sku = body["variants"][0]["sku"]
    resp = await client.patch(f"/v1/vendors/{vendor['id']}/products/{created['id']}", headers=bearer(vendor["token"]),
                              json={"variants": [{"sku": sku, "priceMinor": 900}]})
    assert resp.status_code == 200, resp.text
    now = await client.get(path, headers={"If-None-Match": old.headers["etag"]})
    assert now.status_code == 200 and now.json()["priceMinor"] == 900 and now.headers["etag"] != old.headers["etag"]
    await seen_within_bound(lambda: other_process.get(path), lambda r: r.json()["priceMinor"] == 900)

    # Suspension arrives as a vendor event applied by the catalog's projection (here in the gateway's process).
    await project_vendor(gateway, vendor["id"], "suspended", event_type="vendor.suspended", slug=vendor["slug"])
    assert (await client.get(path)).status_code == 404
    await seen_within_bound(lambda: other_process.get(path), lambda r: r.status_code == 404)
    await seen_within_bound(lambda: other_process.get("/v1/products", params={"vendor": vendor["id"]}),
                            lambda r: r.json()["total"] == 0)
