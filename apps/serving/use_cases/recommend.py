"""The recommendations use case: A/B arm → cache → fallback chain → cache, then a log record.

Who may ask is decided by the router; this module answers a well-formed question and never fails: Redis down
means no cache, no model means the chain starts at co-purchase, an empty projection means an empty list.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apps.serving.champions import CHALLENGER, CHAMPION, ChampionStore, Loaded
from apps.serving.domain import model_links
from apps.serving.queries import recommendations as candidates
from apps.serving.cache import RecoCache
from apps.serving.domain.recommendations import (CO_PURCHASE, MODEL, POPULAR, TRENDING, Candidate, Link,
                                                run_chain, take)
from apps.serving.request_log import RequestLog, ServedRecord
from kernel.db import Database
from kernel.flags import FeatureFlags
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork

KIND = "recommendations"
AB_FLAG = "reco_ab_test"  # variants name the model alias each arm is served by, e.g. {"champion": 90, "challenger": 10}
RECENT_PURCHASES = 5  # seeds of co-purchase and of "their category" on the home page


@dataclass(frozen=True)
class RecoQuery:
    user_id: str | None
    context: str  # home | product | cart | category
    product_ids: list[str] = field(default_factory=list)
    category_id: str | None = None
    limit: int = 10


@dataclass
class RecoAnswer:
    request_id: str
    items: list[Candidate]
    strategy: str
    model_version: str | None
    variant: str | None
    cache_hit: bool
    latency_ms: float
    bought_together: list[Candidate] | None = None


@dataclass
class Recommendations:
    db: Database
    outbox: Any
    champions: ChampionStore
    cache: RecoCache
    flags: FeatureFlags | None
    log: RequestLog

    async def arm(self, user_id: str | None) -> tuple[str | None, Loaded | None]:
        """(A/B variant, the model serving it). Anonymous visitors are not in the test; a challenger arm whose
        model is not loaded is served by the champion (its modelVersion says so)."""
        variant = await self.flags.variant(AB_FLAG, user_id) if self.flags is not None and user_id else None
        alias = CHALLENGER if variant == CHALLENGER else CHAMPION
        loaded = self.champions.get(KIND, alias) or (self.champions.get(KIND, CHAMPION) if alias != CHAMPION else None)
        return variant, loaded

    async def recommend(self, q: RecoQuery) -> RecoAnswer:
        started, requested_at = time.perf_counter(), datetime.now(UTC)
        variant, loaded = await self.arm(q.user_id)
        version = loaded.version if loaded else None
        cache_field = "|".join([variant or "-", version or "-", q.context, ",".join(q.product_ids),
                                q.category_id or "", str(q.limit)])
        seen = await self.cache.lookup(q.user_id, cache_field)
        doc = seen.doc if seen is not None else None
        hit = doc is not None
        if doc is None:
            doc = await self._compute(q, loaded)
            if seen is not None:
                await self.cache.store(q.user_id, cache_field, doc, seen)
        answer = RecoAnswer(
            request_id=new_id_str(), items=[Candidate(*c) for c in doc["items"]], strategy=doc["strategy"],
            model_version=doc["modelVersion"], variant=variant, cache_hit=hit,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            bought_together=[Candidate(*c) for c in doc["together"]] if doc.get("together") is not None else None)
        self.log.record(ServedRecord(
            request_id=answer.request_id, user_id=q.user_id, context=q.context, product_ids=q.product_ids,
            category_id=q.category_id, limit=q.limit, variant=variant, strategy=answer.strategy,
            model_version=answer.model_version, items=[(c.product_id, c.score) for c in answer.items],
            latency_ms=answer.latency_ms, cache_hit=hit, requested_at=requested_at, served_at=datetime.now(UTC)))
        return answer

    async def _compute(self, q: RecoQuery, loaded: Loaded | None) -> dict[str, Any]:
        async with UnitOfWork(self.db.sessions, self.outbox) as uow:
            bought = await candidates.purchases(uow, q.user_id, recent=500) if q.user_id else []
            if q.user_id:
                bought_set = set(bought) | await self.cache.bought(q.user_id)
            else:
                bought_set = set()
            links, category = await self._links(uow, q, loaded, bought[:RECENT_PURCHASES])
            outcome = await run_chain(links, limit=q.limit, exclude=bought_set | set(q.product_ids),
                                      showable=lambda ids: candidates.showable(uow, ids, category))
            together = None
            if q.context == "product":
                together = await self._bought_together(uow, q, loaded, bought_set)
        used_model = outcome.strategy == MODEL or any(c.reason not in (CO_PURCHASE, TRENDING, POPULAR)
                                                      for c in outcome.items)
        return {"items": [[c.product_id, round(c.score, 6), c.reason] for c in outcome.items],
                "strategy": outcome.strategy, "modelVersion": loaded.version if loaded and used_model else None,
                "together": [[c.product_id, round(c.score, 6), c.reason] for c in together]
                if together is not None else None}

    async def _links(self, uow: UnitOfWork, q: RecoQuery, loaded: Loaded | None, recent: list[str]
                     ) -> tuple[list[Link], str | None]:
        """The chain for this context, and the category every link is held to (category context only)."""
        only = q.category_id if q.context == "category" else None
        seeds = q.product_ids if q.context in ("product", "cart") else recent
        model = loaded.model if loaded else None
        links: list[Link] = []
        if model is not None:
            if q.context in ("product", "cart"):
                links.append(Link(MODEL, lambda n: _sync(model_links.similar, model, seeds, n)))
            elif q.user_id:  # home and category: the user's own ranking (category filtered by `showable`)
                widen = 10 if only else 1  # a category keeps a fraction of the ranking
                links.append(Link(MODEL, lambda n: _sync(model_links.personal, model, q.user_id, n * widen)))
        if seeds:
            links.append(Link(CO_PURCHASE, lambda n: candidates.co_purchased(uow, seeds, n, only), filtered=True))
        trend_category = only or next(iter(await candidates.categories_of(uow, seeds)), None)
        if trend_category:
            links.append(Link(TRENDING, lambda n: candidates.trending(uow, trend_category, n), filtered=True))
        links.append(Link(POPULAR, lambda n: candidates.popular(uow, n, only), filtered=True))
        return links, only

    async def _bought_together(self, uow: UnitOfWork, q: RecoQuery, loaded: Loaded | None,
                               bought: set[str]) -> list[Candidate]:
        """"Frequently bought together" for a product page: live co-purchase counts first, topped up with the
        model's basket partners from training (filtered to showable products)."""
        exclude = bought | set(q.product_ids)
        live = take(await candidates.co_purchased(uow, q.product_ids, q.limit + len(exclude)), allowed=None,
                    exclude=exclude, room=q.limit)
        if len(live) < q.limit and loaded is not None:
            learned = model_links.bought_together(loaded.model, q.product_ids[0], q.limit + len(exclude))
            allowed = await candidates.showable(uow, [c.product_id for c in learned])
            live += take(learned, allowed=allowed, exclude=exclude | {c.product_id for c in live},
                         room=q.limit - len(live))
        return live


async def _sync(fn, *args) -> list[Candidate]:
    # The model answers one user in about a millisecond (numpy): a thread hop would cost more than it saves.
    return fn(*args)
