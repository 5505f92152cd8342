"""Search relevance: nDCG@10 and zero-result rate of keyword-only vs fused (keyword + vector, RRF) search, in one
run, on a labelled query set generated from the simulator's ground truth.

    .venv/bin/python -m benchmarks.search_relevance [--products 1040]

Products are the simulator's "<Brand> <Adjective> <Noun>" in leaf categories (benchmarks/search_world.py), indexed
with real embeddings into a throwaway Typesense collection. Query kinds and their graded labels:
  category   the leaf's name ("audio")                        gain 1 for products of the leaf
  type       a product noun ("earbuds")                       gain 2 same noun, 1 same leaf
  synonym    a shopper's word for a noun ("trainers")         same labels as the noun (some are seeded synonyms)
  typo       a noun with one letter dropped ("hedphones")     same labels as the noun
  bengali    the leaf's name in Bengali ("জুতা")              gain 1 for products of the leaf
"""
from __future__ import annotations

import argparse
import asyncio
import math
import time
import uuid

import numpy as np

from apps.search import domain as rules
from apps.search.config import SearchSettings
from apps.search.embeddings import Embedder, QueryVectors
from apps.search.engine import Engine
from apps.search.queries import SearchDeps, search
from benchmarks import search_world as world

BENGALI = {
    "Phones": "মোবাইল ফোন", "Laptops": "ল্যাপটপ", "Audio": "হেডফোন ও স্পিকার", "Cameras": "ক্যামেরা",
    "Kitchen": "রান্নাঘরের সরঞ্জাম", "Furniture": "আসবাবপত্র", "Decor": "ঘর সাজানো", "Bedding": "বিছানার চাদর ও বালিশ",
    "Men": "পুরুষদের পোশাক", "Women": "মহিলাদের পোশাক", "Shoes": "জুতা", "Accessories": "ফ্যাশন আনুষাঙ্গিক",
    "Fitness": "ব্যায়ামের সরঞ্জাম", "Outdoor": "ক্যাম্পিং সরঞ্জাম", "Cycling": "সাইকেল চালানোর সরঞ্জাম",
    "Skincare": "ত্বকের যত্ন", "Makeup": "মেকআপ", "Fragrance": "সুগন্ধি", "Building": "বিল্ডিং ব্লক খেলনা",
    "Games": "বোর্ড গেম", "Fiction": "উপন্যাস", "Non-fiction": "জীবনী ও রান্নার বই",
}
# A shopper's word for a catalogue noun; the first six are seeded synonyms, the rest are not.
SYNONYMS = {
    "trainers": "Sneakers", "mobile": "Smartphone", "earphones": "Earbuds", "jumper": "Sweater",
    "rucksack": "Backpack", "frying pan": "Skillet", "couch cushion": "Pillow", "notebook pc": "Laptop",
    "photo camera": "Camera", "kitchen knives": "Knife Set", "bicycle helmet": "Helmet", "parfum": "Eau de Parfum",
    "toy bricks": "Blocks", "crime novel": "Thriller", "jigsaw": "Puzzle", "face serum": "Serum",
}


def misspell(word: str) -> str:
    """Drop one letter in the middle (a deterministic, common typo)."""
    w = word.lower()
    i = max(1, len(w) // 2)
    return w[:i] + w[i + 1:]


def labelled_queries(items: list[world.Item]) -> list[tuple[str, str, dict[str, int]]]:
    by_leaf: dict[str, set[str]] = {}
    by_noun: dict[str, set[str]] = {}
    leaf_of_noun: dict[str, str] = {}
    for item in items:
        by_leaf.setdefault(item.leaf, set()).add(item.facts.product_id)
        by_noun.setdefault(item.noun, set()).add(item.facts.product_id)
        leaf_of_noun[item.noun] = item.leaf

    def noun_labels(noun: str) -> dict[str, int]:
        return {**{p: 1 for p in by_leaf[leaf_of_noun[noun]]}, **{p: 2 for p in by_noun[noun]}}

    queries = []
    for leaf, products in by_leaf.items():
        queries.append(("category", leaf.lower(), {p: 1 for p in products}))
        if leaf in BENGALI:
            queries.append(("bengali", BENGALI[leaf], {p: 1 for p in products}))
    for noun in by_noun:
        queries.append(("type", noun.lower(), noun_labels(noun)))
        if len(noun) >= 5:
            queries.append(("typo", misspell(noun), noun_labels(noun)))
    for word, noun in SYNONYMS.items():
        if noun in by_noun:
            queries.append(("synonym", word, noun_labels(noun)))
    return queries


def ndcg_at_10(ranked: list[str], labels: dict[str, int]) -> float:
    dcg = sum((2 ** labels.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:10]))
    ideal = sorted(labels.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


async def run(n_products: int) -> dict:
    settings = SearchSettings(collection_alias=f"bench_rel_{uuid.uuid4().hex[:8]}")
    engine = Engine(settings.typesense_url, settings.typesense_api_key, timeout=30)
    embedder = Embedder()
    items = world.generate(n_products)
    try:
        await world.create_index(engine, settings.collection_alias)
        started = time.perf_counter()
        vectors = await asyncio.to_thread(embedder.passages, world.texts(items))
        embed_s = time.perf_counter() - started
        await engine.import_documents(settings.collection_alias,
                                      world.documents(items, vectors, settings.relevance_weights))
        deps = SearchDeps(settings=settings, engine=engine, vectors=QueryVectors(embedder, size=10_000),
                          publisher=None, background=set())
        queries = labelled_queries(items)
        scores: dict[tuple[str, str], list[float]] = {}
        zero: dict[tuple[str, str], int] = {}
        for kind, text, labels in queries:
            for mode in ("keyword", "hybrid"):
                body = await search(deps, rules.SearchRequest(q=text, mode=mode, per_page=10, facets=()))
                ranked = [h["productId"] for h in body["hits"]]
                for key in ((kind, mode), ("all", mode)):
                    scores.setdefault(key, []).append(ndcg_at_10(ranked, labels))
                    zero[key] = zero.get(key, 0) + (1 if not ranked else 0)
        return {"products": n_products, "queries": len(queries), "embed_seconds": embed_s,
                "scores": {k: float(np.mean(v)) for k, v in scores.items()},
                "zero": {k: zero[k] / len(scores[k]) for k in scores}, "counts": {k: len(v) for k, v in scores.items()}}
    finally:
        await world.drop_index(engine, settings.collection_alias)
        await engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1040)
    args = parser.parse_args()
    result = asyncio.run(run(args.products))
    print(f"products {result['products']}, queries {result['queries']} "
          f"(product embeddings took {result['embed_seconds']:.1f}s)")
    print(f"{'kind':<10}{'n':>4}  {'nDCG@10 keyword':>16}{'nDCG@10 fused':>15}{'ratio':>7}  "
          f"{'zero-res keyword':>17}{'zero-res fused':>15}")
    for kind in ("category", "type", "synonym", "typo", "bengali", "all"):
        if (kind, "keyword") not in result["scores"]:
            continue
        kw, fu = result["scores"][(kind, "keyword")], result["scores"][(kind, "hybrid")]
        ratio = fu / kw if kw else float("inf")
        print(f"{kind:<10}{result['counts'][(kind, 'keyword')]:>4}  {kw:>16.3f}{fu:>15.3f}{ratio:>7.2f}  "
              f"{result['zero'][(kind, 'keyword')]:>17.1%}{result['zero'][(kind, 'hybrid')]:>15.1%}")


if __name__ == "__main__":
    main()
