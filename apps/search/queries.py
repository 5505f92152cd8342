"""Reads of the search service: keyword, semantic and hybrid (fused) product search, suggestions (each answer
recorded as a `search.served` event, apps/search/served.py), and the admin's list of synonym sets.

Typesense 0.24.1 has vector search but no hybrid query (rank fusion came in 0.25), so a hybrid search sends the
keyword query and the vector query in one /multi_search call and fuses the two ranked lists here (reciprocal rank
fusion, the semantic list's weight from RELEVANCE_WEIGHTS_JSON). The keyword result gives the facets.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from apps.search import domain as rules
from apps.search.config import SearchSettings
from apps.search.embeddings import QueryVectors
from apps.search.engine import Engine
from apps.search.orm import SearchSynonym
from apps.search.repository import SearchRepository
from apps.search.served import record
from kernel.kafka import KafkaPublisher
from kernel.uow import UnitOfWork


@dataclass
class SearchDeps:
    settings: SearchSettings
    engine: Engine
    vectors: QueryVectors | None
    publisher: KafkaPublisher | None
    background: set[asyncio.Task]


def _semantic_hits(result: dict[str, Any], margin: float) -> list[dict[str, Any]]:
    """Vector hits close to the best one: a vector query always returns k neighbours, related or not, so the
    list is cut relative to its best match (absolute e5 scores are compressed and mean little)."""
    hits = result.get("hits") or []
    if not hits:
        return []
    best = min(h.get("vector_distance", 1.0) for h in hits)
    return [h["document"] for h in hits if h.get("vector_distance", 1.0) <= best + margin]


async def search(deps: SearchDeps, req: rules.SearchRequest, *, use_cache: bool = True) -> dict[str, Any]:
    started = time.perf_counter()
    settings, weights = deps.settings, deps.settings.relevance_weights
    alias = settings.collection_alias
    mode = req.mode if deps.vectors is not None and not req.is_wildcard else "keyword"
    start, end = (req.page - 1) * req.per_page, req.page * req.per_page
    vector_source = None
    if mode == "keyword":
        results, engine_ms = await deps.engine.multi_search(
            [rules.keyword_search(req, alias, weights, per_page=req.per_page, page=req.page)])
        keyword = results[0]
        docs = [h["document"] for h in keyword.get("hits") or []]
        found = int(keyword.get("found", 0))
        facet_source = keyword
    else:
        assert deps.vectors is not None
        window = min(max(settings.semantic_candidates, end), 250)
        vector, vector_source = await deps.vectors.vector(req.q, use_cache=use_cache)
        searches = [rules.vector_search(req, alias, vector.tolist(), k=window)]
        if mode == "hybrid":
            searches.insert(0, rules.keyword_search(req, alias, weights, per_page=window, page=1))
        results, engine_ms = await deps.engine.multi_search(searches)
        semantic = _semantic_hits(results[-1], settings.semantic_margin)
        keyword = results[0] if mode == "hybrid" else {"hits": [], "found": 0}
        keyword_docs = [h["document"] for h in keyword.get("hits") or []]
        fused = rules.fuse(keyword_docs, semantic, semantic_weight=weights.semantic, k=weights.rrf_k)
        docs = fused.docs[start:end]
        found = int(keyword.get("found", 0)) + sum(1 for s in fused.sources.values() if s == "semantic")
        facet_source = keyword if mode == "hybrid" else results[-1]
    took_ms = (time.perf_counter() - started) * 1000
    body = {"hits": [rules.hit(d) for d in docs], "facets": rules.facets(facet_source), "found": found,
            "took_ms": round(took_ms, 2), "mode": mode, "page": req.page, "perPage": req.per_page,
            "engine_ms": round(engine_ms, 2)}
    if vector_source:
        body["embedding"] = vector_source
    record(deps, query=req.q, mode=mode, found=found, returned=len(docs), latency_ms=took_ms, engine_ms=engine_ms,
           page=req.page, per_page=req.per_page, filters=req.filters())
    return body


async def suggest(deps: SearchDeps, q: str, *, limit: int) -> dict[str, Any]:
    """Autocomplete: prefix (and one-typo) matches on titles, categories and brands."""
    started = time.perf_counter()
    params = {"collection": deps.settings.collection_alias, "q": q, "query_by": "title,categories,brand",
              "query_by_weights": "3,2,2", "prefix": "true", "num_typos": 1, "per_page": limit,
              "filter_by": "status:=active", "facet_by": "categories", "max_facet_values": 3,
              "facet_query": f"categories:{q}", "include_fields": "id,slug,title",
              "sort_by": "_text_match:desc,rank_score:desc", "highlight_fields": "none"}
    results, engine_ms = await deps.engine.multi_search([params])
    result = results[0]
    products = [{"productId": h["document"]["id"], "slug": h["document"].get("slug", ""),
                 "title": h["document"]["title"]} for h in result.get("hits") or []]
    categories = [c["value"] for f in result.get("facet_counts") or [] for c in f.get("counts", [])
                  if q.lower()[:3] in c["value"].lower()]
    took_ms = (time.perf_counter() - started) * 1000
    record(deps, query=q, mode="suggest", found=int(result.get("found", 0)), returned=len(products),
           latency_ms=took_ms, engine_ms=engine_ms, page=1, per_page=limit, filters={})
    return {"q": q, "suggestions": products, "categories": categories, "took_ms": round(took_ms, 2)}


async def list_synonyms(uow: UnitOfWork) -> list[SearchSynonym]:
    return await uow.repository(SearchRepository).synonyms()
