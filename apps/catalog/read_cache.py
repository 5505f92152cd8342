"""The public catalog reads (product list, product page, categories) kept as rendered JSON bytes in this process.

Why: shoppers read the catalog thousands of times for each write, and rendering a page (query, ORM rows, pydantic)
costs far more CPU than handing back bytes. Each entry also carries an ETag, so a client that revalidates gets a
304 without a body.

Invalidation, across every process serving the catalog (`mkt serve --workers N`, split deployments):
- Every commit of the catalog's database that changed a table these answers are built from (products, variants,
  images, categories, brands, the vendors projection — by a use case or by a projection reacting to vendor/review
  events) bumps a generation counter in Redis (INCR, after the commit; cache_invalidation.py finds those commits).
- Each process reads that counter at most every `refresh_seconds` (0.5 s by default) on the request path, and keys
  every entry by it: a bump makes every older entry unreachable (they age out of the LRU).
- The process that made the write also bumps its own local counter at once, so its next read never sees the old
  answer (read-your-writes within a process, whatever Redis does).

Staleness bound: a write is visible in every process within `refresh_seconds` + one Redis round-trip of its
commit (≤ 1 s with the defaults; docs/consistency.md). The generation is read *before* the database, so an answer
rendered from pre-write rows can only be stored under a pre-write generation.
When Redis is unreachable, reads bypass the cache (rendered from the database each time, ETag still set) until it
answers again; a bump that failed is retried in the background, and no entry is served once it is
`max_age_seconds` old (30 s by default) — the bound if the writing process dies before Redis is back.

Answered before the app (kernel/cached_read.py): each route records which raw request (path, query string) it
answered under which key; `lookup` — the hook the gateway asks first when the catalog lives in its process —
answers a request seen before from the same entry, with the same generation check and the same headers, without
entering the catalog's middleware, routing and dependency solving. A request never seen, or a miss, goes to the app.
"""
from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

import redis.asyncio as redis
import structlog
from pydantic import BaseModel
from starlette.responses import Response

from kernel import metrics
from kernel.cached_read import CachedAnswer
from kernel.redis_guard import OutageWindow

log = structlog.get_logger("catalog.read_cache")

GENERATION_KEY = "catalog:read-cache:generation"
_FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)
# Bodies past this are rendered each time rather than held (a 100-item page of long descriptions).
MAX_CACHED_BYTES = 512 * 1024


# What the cached routes add to their OpenAPI (additive: the 200 body is unchanged).
_VALIDATORS = {"ETag": {"description": "validator of this answer's bytes; send it back in If-None-Match",
                        "schema": {"type": "string"}},
               "Cache-Control": {"description": "public, with a short max-age", "schema": {"type": "string"}}}
CACHED_RESPONSES: dict[int | str, dict] = {
    200: {"headers": _VALIDATORS},
    304: {"description": "Not Modified: the If-None-Match ETag is still current; no body", "headers": _VALIDATORS},
}


@dataclass(frozen=True)
class Entry:
    body: bytes
    etag: str
    stored_at: float


def etag_of(body: bytes) -> str:
    """A strong validator: the same bytes always give the same tag, in every process."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: `*`, or any listed tag equal under weak comparison (a W/ prefix is ignored)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


def respond(entry: Entry, if_none_match: str | None, cache_control: str) -> Response:
    headers = {"ETag": entry.etag, "Cache-Control": cache_control}
    if not_modified(if_none_match, entry.etag):
        return Response(status_code=304, headers=headers)
    return Response(entry.body, media_type="application/json", headers=headers)


class ReadCache:
    def __init__(self, client: redis.Redis | None, *, enabled: bool = True, refresh_seconds: float = 0.5,
                 max_entries: int = 2000, max_bytes: int = 64 * 1024 * 1024, max_age_seconds: float = 30.0,
                 retry_after_seconds: float = 5.0, service: str = "catalog") -> None:
        self.enabled = enabled and client is not None
        self.service = service  # whose request metrics a hook answer records
        self.refresh_seconds = refresh_seconds
        self.max_entries = max_entries
        self.max_bytes = max_bytes  # of bodies held: what bounds memory, whatever the pages weigh
        self._bytes = 0
        self.max_age_seconds = max_age_seconds
        self._redis = client
        self._outage = OutageWindow(retry_after_seconds, log=log, event="catalog.read_cache.redis_unavailable")
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        # (path, raw query) a route answered → (its key, Cache-Control, route template): what `lookup` may answer.
        self._aliases: dict[tuple[str, bytes], tuple[Hashable, bytes, str]] = {}
        self._observers: dict[tuple[str, int], Callable[[float], None]] = {}
        self._shared: str | None = None  # the generation Redis last gave; None: unknown, bypass
        self._fresh_until = 0.0
        self._local = 0  # this process's own commits, so it reads its writes before Redis is asked again
        self._owed = False  # a commit not yet told to Redis
        self._bumping: asyncio.Task | None = None
        self.hits = self.misses = 0

    async def close(self) -> None:
        if self._bumping is not None:
            self._bumping.cancel()
        if self._redis is not None:
            await self._redis.aclose()

    # --- reads -------------------------------------------------------------------------------------------------
    async def generation(self) -> tuple[str, int] | None:
        """The key prefix for entries now, or None when the cache must be bypassed (off, or Redis unreachable)."""
        client = self._redis
        if not self.enabled or client is None:
            return None
        now = time.monotonic()
        if now >= self._fresh_until and self._outage.available:
            # Moved on before the await: requests arriving meanwhile keep the previous value (within the bound)
            # instead of all asking Redis at once.
            self._fresh_until = now + self.refresh_seconds
            try:
                raw = await client.get(GENERATION_KEY)
                if raw is None:  # first use, or Redis lost its data: start from a value no process has keyed by
                    await client.set(GENERATION_KEY, secrets.randbits(48), nx=True)
                    raw = await client.get(GENERATION_KEY)
                self._shared = raw.decode() if isinstance(raw, bytes) else str(raw)
            except _FAILURES as exc:
                self._outage.failed("generation", exc)
                self._forget()
        if self._shared is None or not self._outage.available:
            return None
        return self._shared, self._local

    def get(self, generation: tuple[str, int] | None, key: Hashable) -> Entry | None:
        entry = self._current(generation, key)
        if entry is None:
            self.misses += 1
        return entry

    def _current(self, generation: tuple[str, int] | None, key: Hashable) -> Entry | None:
        if generation is None:
            return None
        entry = self._entries.get((generation, key))
        if entry is None or time.monotonic() - entry.stored_at > self.max_age_seconds:
            return None
        self._entries.move_to_end((generation, key))
        self.hits += 1
        return entry

    def put(self, generation: tuple[str, int] | None, key: Hashable, body: bytes) -> Entry:
        entry = Entry(body, etag_of(body), time.monotonic())
        if generation is not None and len(body) <= MAX_CACHED_BYTES:
            if (old := self._entries.pop((generation, key), None)) is not None:
                self._bytes -= len(old.body)
            self._entries[(generation, key)] = entry
            self._bytes += len(body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._bytes -= len(self._entries.popitem(last=False)[1].body)
        return entry

    async def answer(self, key: Hashable, render: Callable[[], Awaitable[BaseModel]], *, if_none_match: str | None,
                     cache_control: str, scope: dict | None = None) -> Response:
        """The cached bytes for `key`, or `render()` them (from the database) and keep them; 304 when the client's
        ETag matches. The generation is taken before render() reads the database (see the module docstring).
        `scope`: the route's request, recorded so that `lookup` answers the same request later (the route's answer
        must depend on nothing but its path, query string and If-None-Match)."""
        generation = await self.generation()
        entry = self.get(generation, key)
        if entry is None:
            model = await render()
            entry = self.put(generation, key, model.model_dump_json(by_alias=True).encode())
        if scope is not None and generation is not None:
            self._remember(scope, key, cache_control)
        return respond(entry, if_none_match, cache_control)

    def _remember(self, scope: dict, key: Hashable, cache_control: str) -> None:
        alias = (scope["path"], scope.get("query_string", b""))
        if alias not in self._aliases:
            if len(self._aliases) >= 4 * self.max_entries:  # distinct spellings of queries: bounded, not LRU
                self._aliases.clear()
            self._aliases[alias] = (key, cache_control.encode("latin-1"), metrics.route_of(scope))

    async def lookup(self, method: str, path: str, query_string: bytes,
                     headers: list[tuple[bytes, bytes]]) -> CachedAnswer | None:
        """kernel.cached_read's hook: the answer `answer()` would give this request, when it is cached; else None."""
        if method != "GET" or (known := self._aliases.get((path, query_string))) is None:
            return None
        started = time.perf_counter()
        key, cache_control, route = known
        entry = self._current(await self.generation(), key)
        if entry is None:
            return None
        # FastAPI's Header() reads the first line of a repeated header: the same here.
        if_none_match = next((v.decode("latin-1") for k, v in headers if k == b"if-none-match"), None)
        tag = entry.etag.encode("latin-1")
        if not_modified(if_none_match, entry.etag):
            answer = CachedAnswer(304, [(b"etag", tag), (b"cache-control", cache_control)], b"")
        else:
            answer = CachedAnswer(200, [(b"etag", tag), (b"cache-control", cache_control),
                                        (b"content-length", str(len(entry.body)).encode()),
                                        (b"content-type", b"application/json")], entry.body)
        # The app's own request metric (kernel.http records one per request it serves), so its figures stay whole;
        # the labelled child is kept (labels() per request cost more than the rest of a hit).
        if (observe := self._observers.get((route, answer.status))) is None:
            observe = self._observers[(route, answer.status)] = metrics.REQUEST_SECONDS.labels(
                self.service, method, route, str(answer.status)).observe
        observe(time.perf_counter() - started)
        return answer

    # --- writes ------------------------------------------------------------------------------------------------
    def written(self) -> None:
        """A commit changed what the public reads show (called synchronously after that commit)."""
        self._local += 1
        if not self.enabled:
            return
        self._owed = True
        if self._bumping is None or self._bumping.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # a commit outside the event loop (a CLI tool): no process to tell but this one
                return
            self._bumping = loop.create_task(self._bump())

    async def _bump(self) -> None:
        """INCR until no commit is left untold: one that lands while an INCR is in flight may come after it, so
        it owes another (readers could have read the new value before that commit)."""
        deadline = time.monotonic() + self.max_age_seconds
        while self._owed and self._redis is not None:
            self._owed = False
            try:
                await self._redis.incr(GENERATION_KEY)
                self._fresh_until = 0.0  # pick the new value up on the next read
            except _FAILURES as exc:
                self._owed = True
                self._outage.failed("bump", exc)
                self._forget()
                if time.monotonic() > deadline:  # every entry anywhere has aged out by now
                    self._owed = False
                    return
                await asyncio.sleep(1.0)

    def _forget(self) -> None:
        self._shared = None
        self._entries.clear()
        self._bytes = 0
