"""The catalog read cache's hook (kernel/cached_read.py, ReadCache.lookup): the gateway asks it before entering the
catalog's app, so it must answer exactly what the route answered — same bytes, ETag, Cache-Control, 304 — and only
for requests a route answered before, under the current generation. Everything else is None (the app decides)."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from apps.catalog.read_cache import etag_of
from tests.unit.test_catalog_read_cache import MemoryRedis, Page, cache

PATH, QUERY = "/v1/products/lamp", b"x=1"
ROUTE_SCOPE = {"path": PATH, "query_string": QUERY, "route": SimpleNamespace(path="/v1/products/{slug}")}


async def served_by_route(c, source: dict, scope: dict | None = ROUTE_SCOPE):
    async def render() -> Page:
        source["renders"] = source.get("renders", 0) + 1
        return Page(price=source["price"])

    return await c.answer("p", render, if_none_match=None, cache_control="public, max-age=30", scope=scope)


async def test_a_request_the_route_answered_is_answered_from_the_same_entry():
    c, source = cache(MemoryRedis()), {"price": 100}
    routed = await served_by_route(c, source)
    hit = await c.lookup("GET", PATH, QUERY, [])
    assert hit is not None and hit.status == 200 and hit.body == routed.body == b'{"price":100}'
    assert dict(hit.headers) == {b"etag": etag_of(b'{"price":100}').encode(), b"cache-control": b"public, max-age=30",
                                 b"content-length": b"13", b"content-type": b"application/json"}
    assert sorted(hit.headers) == sorted(routed.raw_headers)  # what the route's Response carries, no more
    assert source["renders"] == 1


async def test_a_matching_if_none_match_is_a_304_without_a_body():
    c, source = cache(MemoryRedis()), {"price": 100}
    routed = await served_by_route(c, source)
    etag = routed.headers["etag"].encode()
    hit = await c.lookup("GET", PATH, QUERY, [(b"if-none-match", b'"other", ' + etag)])
    assert hit is not None and hit.status == 304 and hit.body == b""
    assert dict(hit.headers) == {b"etag": etag, b"cache-control": b"public, max-age=30"}
    stale = await c.lookup("GET", PATH, QUERY, [(b"if-none-match", b'"stale"')])
    assert stale is not None and stale.status == 200


async def test_unseen_requests_other_methods_and_unrouted_answers_are_left_to_the_app():
    c, source = cache(MemoryRedis()), {"price": 100}
    assert await c.lookup("GET", PATH, QUERY, []) is None  # nothing routed yet
    await served_by_route(c, source, scope=None)  # an answer without its request: not remembered
    assert await c.lookup("GET", PATH, QUERY, []) is None
    await served_by_route(c, source)
    assert await c.lookup("GET", PATH, b"x=2", []) is None  # another query: the app parses it
    assert await c.lookup("HEAD", PATH, QUERY, []) is None
    assert await c.lookup("GET", PATH, QUERY, []) is not None


async def test_a_write_makes_the_hook_miss_until_the_route_renders_again():
    c, source = cache(MemoryRedis(), refresh_seconds=60), {"price": 100}
    await served_by_route(c, source)
    source["price"] = 90
    c.written()  # the commit hook: a new generation at once in this process
    assert await c.lookup("GET", PATH, QUERY, []) is None
    await served_by_route(c, source)
    hit = await c.lookup("GET", PATH, QUERY, [])
    assert hit is not None and hit.body == b'{"price":90}'
    await asyncio.sleep(0)  # let the background INCR run


async def test_redis_down_the_hook_misses_as_the_cache_is_bypassed():
    shared, source = MemoryRedis(), {"price": 100}
    c = cache(shared, refresh_seconds=0.01)
    await served_by_route(c, source)
    shared.down = True
    await asyncio.sleep(0.02)
    assert await c.lookup("GET", PATH, QUERY, []) is None
