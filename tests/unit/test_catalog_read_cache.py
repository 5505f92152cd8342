"""The catalog's read cache (apps/catalog/read_cache.py): keying by the shared generation, invalidation across
processes and within one, ETag/304, and what it does when Redis is gone. Redis is an in-memory stand-in here
(GET/SET NX/INCR only); tests/integration/test_catalog_read_cache.py runs the same cache on the real Redis."""
from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as redis
from pydantic import BaseModel

from apps.catalog.read_cache import GENERATION_KEY, ReadCache, etag_of, not_modified


class MemoryRedis:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.down = False
        self.calls = 0
        self.incr_gate: asyncio.Event | None = None  # set: INCR waits for it (an INCR in flight)

    def _check(self) -> None:
        self.calls += 1
        if self.down:
            raise redis.ConnectionError("down")

    async def get(self, key: str) -> bytes | None:
        self._check()
        return self.data.get(key)

    async def set(self, key: str, value, nx: bool = False) -> bool:
        self._check()
        if nx and key in self.data:
            return False
        self.data[key] = str(value).encode()
        return True

    async def incr(self, key: str) -> int:
        self._check()
        if self.incr_gate is not None:
            await self.incr_gate.wait()
        self.data[key] = str(int(self.data.get(key, b"0")) + 1).encode()
        return int(self.data[key])

    async def aclose(self) -> None:
        pass


class Page(BaseModel):
    price: int


def cache(shared: MemoryRedis, **kw) -> ReadCache:
    return ReadCache(shared, refresh_seconds=kw.pop("refresh_seconds", 0.05), **kw)


async def read(c: ReadCache, key: str, source: dict, *, if_none_match: str | None = None):
    async def render() -> Page:
        source["renders"] = source.get("renders", 0) + 1
        return Page(price=source["price"])

    return await c.answer(key, render, if_none_match=if_none_match, cache_control="public, max-age=5")


def test_etag_is_a_quoted_hash_of_the_bytes():
    assert etag_of(b"abc") == etag_of(b"abc") != etag_of(b"abd")
    assert etag_of(b"abc").startswith('"') and etag_of(b"abc").endswith('"')


@pytest.mark.parametrize("header,match", [
    (None, False), ("", False), ('"x"', False), ('"t"', True), ('W/"t"', True), ('"x", "t"', True), ("*", True),
])
def test_if_none_match_follows_weak_comparison(header, match):
    assert not_modified(header, '"t"') is match


async def test_second_read_is_served_from_memory_with_the_same_bytes_and_etag():
    shared, source = MemoryRedis(), {"price": 100}
    c = cache(shared)
    first, second = await read(c, "p", source), await read(c, "p", source)
    assert source["renders"] == 1 and first.body == second.body == b'{"price":100}'
    assert first.headers["etag"] == second.headers["etag"] == etag_of(b'{"price":100}')
    assert first.headers["cache-control"] == "public, max-age=5"


async def test_matching_if_none_match_gives_304_without_a_body():
    c, source = cache(MemoryRedis()), {"price": 100}
    etag = (await read(c, "p", source)).headers["etag"]
    resp = await read(c, "p", source, if_none_match=etag)
    assert resp.status_code == 304 and resp.body == b"" and resp.headers["etag"] == etag
    assert (await read(c, "p", source, if_none_match='"stale"')).status_code == 200


async def test_a_write_is_seen_at_once_by_the_writing_process():
    c, source = cache(MemoryRedis(), refresh_seconds=60), {"price": 100}
    await read(c, "p", source)
    source["price"] = 90
    c.written()  # what cache_invalidation calls after the commit
    assert (await read(c, "p", source)).body == b'{"price":90}'
    await asyncio.sleep(0)  # let the background INCR run


async def test_a_write_in_another_process_is_seen_within_the_refresh_interval():
    shared, source = MemoryRedis(), {"price": 100}
    reader, writer = cache(shared, refresh_seconds=0.05), cache(shared, refresh_seconds=0.05)
    await read(reader, "p", source)
    source["price"] = 90
    writer.written()
    await asyncio.sleep(0.01)  # the INCR lands
    before_refresh = (await read(reader, "p", source)).body  # within the bound the old answer may still be served
    assert before_refresh in (b'{"price":100}', b'{"price":90}')
    await asyncio.sleep(0.06)
    assert (await read(reader, "p", source)).body == b'{"price":90}'


async def test_a_commit_during_an_inflight_incr_owes_another_incr():
    shared = MemoryRedis()
    c = cache(shared)
    await c.generation()
    start = int(shared.data[GENERATION_KEY])
    c.written()
    c.written()  # before the bump was sent: the one INCR covers both
    await asyncio.sleep(0.01)
    assert int(shared.data[GENERATION_KEY]) == start + 1
    shared.incr_gate = asyncio.Event()
    c.written()
    await asyncio.sleep(0.01)  # that INCR is in flight now; a reader may already have read the old value
    c.written()  # ...so this commit needs an INCR of its own, after it
    shared.incr_gate.set()
    await asyncio.sleep(0.01)
    assert int(shared.data[GENERATION_KEY]) == start + 3


async def test_redis_down_bypasses_the_cache_and_keeps_etags():
    shared, source = MemoryRedis(), {"price": 100}
    c = cache(shared, retry_after_seconds=0.05)
    await read(c, "p", source)
    shared.down = True
    await asyncio.sleep(0.06)
    source["price"] = 80  # a write this process cannot announce
    resp = await read(c, "p", source)
    assert resp.body == b'{"price":80}' and resp.headers["etag"] == etag_of(b'{"price":80}')
    renders = source["renders"]
    await read(c, "p", source)
    assert source["renders"] == renders + 1  # nothing is served from memory while Redis is unreachable
    shared.down = False
    await asyncio.sleep(0.06)
    await read(c, "p", source)
    assert (await read(c, "p", source)).body == b'{"price":80}'


async def test_a_failed_bump_is_retried_until_redis_answers():
    shared = MemoryRedis()
    c = cache(shared)
    await c.generation()
    start = int(shared.data[GENERATION_KEY])
    shared.down = True
    c.written()
    await asyncio.sleep(0.01)
    shared.down = False
    await asyncio.sleep(1.1)  # one retry interval
    assert int(shared.data[GENERATION_KEY]) == start + 1


async def test_entries_expire_after_max_age_and_the_lru_holds_max_entries():
    shared, source = MemoryRedis(), {"price": 100}
    c = cache(shared, max_age_seconds=0.05, max_entries=2)
    await read(c, "p", source)
    await asyncio.sleep(0.06)
    await read(c, "p", source)
    assert source["renders"] == 2
    for key in ("a", "b", "c"):
        await read(c, key, source)
    renders = source["renders"]
    await read(c, "a", source)  # evicted: the least recently used of three
    assert source["renders"] == renders + 1


async def test_the_lru_holds_at_most_max_bytes_of_bodies():
    shared, source = MemoryRedis(), {"price": 100}
    c = cache(shared, max_bytes=2 * len(b'{"price":100}'))
    for key in ("a", "b", "c"):
        await read(c, key, source)
    renders = source["renders"]
    await read(c, "c", source)
    await read(c, "b", source)
    assert source["renders"] == renders  # the two newest are held
    await read(c, "a", source)
    assert source["renders"] == renders + 1  # the oldest went to make room


async def test_disabled_cache_renders_every_time_and_never_asks_redis():
    shared, source = MemoryRedis(), {"price": 100}
    c = cache(shared, enabled=False)
    await read(c, "p", source)
    resp = await read(c, "p", source, if_none_match=etag_of(b'{"price":100}'))
    assert source["renders"] == 2 and resp.status_code == 304 and shared.calls == 0
