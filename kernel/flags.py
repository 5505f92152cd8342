"""Feature flags shared by every service: one Redis hash, a short in-process cache, sticky bucketing by hash.

A flag is `enabled` (the switch), `rollout_percent` (the share of subjects that see it, sticky per subject) and
optional `variants` (name -> integer weight) for experiments such as the recommender A/B test.

Reading a flag must never break a request: when Redis fails, `get`, `is_enabled` and `variant` log once per outage
window and answer "off" (None / False), and Redis is left alone for `retry_after_seconds`, so an outage costs one
short timeout rather than one per request. Writes (`put`, `replace`, `put_if_absent`) and the admin listing (`all`)
raise `FlagStoreUnavailable` instead, because an admin must learn that a change was not saved, and an empty
listing would lie.

Every replica caches what it read for `cache_seconds`, so a change reaches all of them within that time.

Bucketing is a pure function of (salt, flag key, subject): SHA-256, the first 8 bytes as an integer, scaled to
[0, 1). The same subject always lands in the same bucket on every replica and after restarts; rollout and variant
use different salts so that who is in the rollout says nothing about which variant they get.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as redis
import structlog

from kernel.redis_guard import OutageWindow, request_path_client
from kernel.settings import common_settings

log = structlog.get_logger("flags")

FLAGS_HASH = "ff:v1:flags"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")
VARIANT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
MAX_VARIANTS = 20
_FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)
_SCALE = float(1 << 64)

# KEYS[1] = the flags hash; ARGV = flag key, new document. Returns the previous document (or false): one atomic
# step, so an audit's "before" is exactly what this write replaced even when two admins save at once.
_SWAP = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return old
"""


class InvalidFlag(ValueError):
    """A flag that breaks a rule (key pattern, rollout range, variant weights)."""


class FlagStoreUnavailable(RuntimeError):
    """Redis did not answer a write or a listing."""


@dataclass(frozen=True)
class Flag:
    key: str
    enabled: bool = False
    rollout_percent: int = 100
    variants: dict[str, int] = field(default_factory=dict)
    description: str = ""
    updated_by: str | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not KEY_PATTERN.match(self.key):
            raise InvalidFlag(f"flag key must match {KEY_PATTERN.pattern}, got {self.key!r}")
        if isinstance(self.rollout_percent, bool) or not isinstance(self.rollout_percent, int) \
                or not 0 <= self.rollout_percent <= 100:
            raise InvalidFlag(f"rollout_percent must be an integer 0..100, got {self.rollout_percent!r}")
        if len(self.variants) > MAX_VARIANTS:
            raise InvalidFlag(f"at most {MAX_VARIANTS} variants")
        for name, weight in self.variants.items():
            if not isinstance(name, str) or not VARIANT_PATTERN.match(name):
                raise InvalidFlag(f"variant name must match {VARIANT_PATTERN.pattern}, got {name!r}")
            if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
                raise InvalidFlag(f"variant weight must be a non-negative integer, got {name}={weight!r}")
        if self.variants and sum(self.variants.values()) <= 0:
            raise InvalidFlag("variant weights must sum to more than 0")
        if len(self.description) > 500:
            raise InvalidFlag("description is at most 500 characters")
        if self.updated_at is not None and self.updated_at.tzinfo is None:
            raise InvalidFlag("updated_at must be timezone-aware")

    def to_json(self) -> str:
        doc: dict[str, Any] = asdict(self)
        doc["updated_at"] = self.updated_at.isoformat() if self.updated_at else None
        return json.dumps(doc, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Flag:
        doc = json.loads(raw)
        at = doc.get("updated_at")
        return cls(key=doc["key"], enabled=bool(doc.get("enabled", False)),
                   rollout_percent=int(doc.get("rollout_percent", 100)),
                   variants={str(k): int(v) for k, v in (doc.get("variants") or {}).items()},
                   description=str(doc.get("description") or ""), updated_by=doc.get("updated_by"),
                   updated_at=datetime.fromisoformat(at) if at else None)


# ---- pure bucketing ---------------------------------------------------------------------------------------------

def bucket(salt: str, key: str, subject: str) -> float:
    """A stable number in [0, 1) for (salt, key, subject); uniform over subjects."""
    digest = hashlib.sha256(f"{salt}\x1f{key}\x1f{subject}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def in_rollout(key: str, subject: str, rollout_percent: int) -> bool:
    return bucket("rollout", key, subject) * 100 < rollout_percent


def choose_variant(key: str, subject: str, variants: dict[str, int]) -> str | None:
    """Weighted, sticky choice; names are walked in sorted order so dict order never moves anyone."""
    total = sum(w for w in variants.values() if w > 0)
    if total <= 0:
        return None
    point = bucket("variant", key, subject) * total
    running = 0
    chosen = None
    for name in sorted(variants):
        weight = variants[name]
        if weight <= 0:
            continue
        running += weight
        chosen = name
        if point < running:
            return name
    return chosen  # float rounding at the very top lands in the last variant


def decide_enabled(flag: Flag | None, subject: str | None) -> bool:
    if flag is None or not flag.enabled:
        return False
    if subject is None:
        return flag.rollout_percent == 100  # a partial rollout needs a subject to stay sticky
    return in_rollout(flag.key, subject, flag.rollout_percent)


def decide_variant(flag: Flag | None, subject: str) -> str | None:
    if not decide_enabled(flag, subject):
        return None
    assert flag is not None
    return choose_variant(flag.key, subject, flag.variants)


# ---- the Redis-backed store -------------------------------------------------------------------------------------

class FeatureFlags:
    def __init__(self, redis_client: redis.Redis, *, cache_seconds: float = 2.0,
                 retry_after_seconds: float = 5.0, hash_key: str | None = None) -> None:
        # hash_key (default: the FEATURE_FLAGS_KEY setting) lets tests keep their own flags apart from the shared
        # ones; every store built without one reads the same hash as the admin API.
        self._redis = redis_client
        self._hash = hash_key or common_settings().feature_flags_key
        self._swap = redis_client.register_script(_SWAP)
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Flag | None]] = {}
        self._outage = OutageWindow(retry_after_seconds, log=log, event="flags.redis_unavailable")

    async def close(self) -> None:
        try:
            await self._redis.aclose()
        except _FAILURES:
            pass

    def _failed(self, op: str, exc: BaseException) -> None:
        self._outage.failed(op, exc)

    @staticmethod
    def _parse(key: str, raw: str | bytes | None) -> Flag | None:
        if raw is None:
            return None
        try:
            return Flag.from_json(raw)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("flags.corrupt_entry", key=key, error=str(exc)[:200])
            return None  # a corrupt entry reads as missing (off) until an admin writes it again

    async def get(self, key: str) -> Flag | None:
        """The flag, or None when missing, invalid or Redis is down; cached for `cache_seconds`."""
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        if not self._outage.available:
            return None
        try:
            raw = await self._redis.hget(self._hash, key)
        except _FAILURES as exc:
            self._failed("get", exc)
            return None
        flag = self._parse(key, raw)
        self._cache[key] = (now + self._cache_seconds, flag)
        return flag

    async def is_enabled(self, key: str, subject: str | None = None) -> bool:
        return decide_enabled(await self.get(key), subject)

    async def variant(self, key: str, subject: str) -> str | None:
        return decide_variant(await self.get(key), subject)

    async def fetch(self, key: str) -> Flag | None:
        """Uncached, strict read for admin screens: raises FlagStoreUnavailable instead of answering 'off'."""
        try:
            raw = await self._redis.hget(self._hash, key)
        except _FAILURES as exc:
            raise FlagStoreUnavailable(f"feature flag store unavailable: {type(exc).__name__}") from exc
        return self._parse(key, raw)

    async def all(self) -> list[Flag]:
        """Every flag, sorted by key (strict: raises FlagStoreUnavailable)."""
        try:
            raw = await self._redis.hgetall(self._hash)
        except _FAILURES as exc:
            raise FlagStoreUnavailable(f"feature flag store unavailable: {type(exc).__name__}") from exc
        flags = (self._parse(k.decode() if isinstance(k, bytes) else k, v) for k, v in raw.items())
        return sorted((f for f in flags if f is not None), key=lambda f: f.key)

    async def replace(self, flag: Flag) -> tuple[Flag | None, Flag]:
        """Store the flag (stamping updated_at when unset) and return (what it replaced, what was stored)."""
        stored = flag if flag.updated_at else replace(flag, updated_at=datetime.now(UTC))
        try:
            old = await self._swap(keys=[self._hash], args=[stored.key, stored.to_json()])
        except _FAILURES as exc:
            raise FlagStoreUnavailable(f"feature flag store unavailable: {type(exc).__name__}") from exc
        self._cache[stored.key] = (time.monotonic() + self._cache_seconds, stored)
        return self._parse(stored.key, old), stored

    async def put(self, flag: Flag) -> Flag:
        return (await self.replace(flag))[1]

    async def remove(self, key: str) -> bool:
        try:
            removed = await self._redis.hdel(self._hash, key)
        except _FAILURES as exc:
            raise FlagStoreUnavailable(f"feature flag store unavailable: {type(exc).__name__}") from exc
        self._cache.pop(key, None)
        return bool(removed)

    async def put_if_absent(self, flag: Flag) -> bool:
        """Seed a default without overriding an admin's choice; True when it was written."""
        stored = flag if flag.updated_at else replace(flag, updated_at=datetime.now(UTC))
        try:
            written = await self._redis.hsetnx(self._hash, stored.key, stored.to_json())
        except _FAILURES as exc:
            raise FlagStoreUnavailable(f"feature flag store unavailable: {type(exc).__name__}") from exc
        self._cache.pop(stored.key, None)
        return bool(written)


def feature_flags_from(settings: Any) -> FeatureFlags:
    """The store every service builds at start-up: REDIS_URL, FEATURE_FLAGS_KEY, FEATURE_FLAGS_CACHE_SECONDS (a flag
    read sits in request paths: kernel.redis_guard's client)."""
    client = request_path_client(settings.redis_url, timeout_seconds=0.5)
    return FeatureFlags(client, cache_seconds=settings.feature_flags_cache_seconds,
                        hash_key=settings.feature_flags_key)
