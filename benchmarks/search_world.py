"""Synthetic products for the search benchmarks, from the simulator's vocabulary (simulator/catalog_data.py): a
product is "<Brand> <Adjective> <Noun>" in its leaf category, as in the simulated world, so the ground truth of
every query (which noun, which leaf) is known. Documents are built by the indexer's own rules and imported into a
throwaway collection behind a throwaway alias."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from apps.search import synonyms
from apps.search.config import RelevanceWeights
from apps.search.documents import ProductFacts, collection_schema, document, embedding_text
from apps.search.engine import Engine
from simulator import catalog_data as data


@dataclass(frozen=True)
class Item:
    facts: ProductFacts
    top: str
    leaf: str
    noun: str


def brand_names() -> list[str]:
    first, second = data.BRAND_PARTS
    return [f"{a} {b}" for a in first for b in second]


def leaves() -> list[tuple[str, str, tuple[str, ...], int]]:
    return [(top.name, leaf.name, leaf.nouns, leaf.price_minor) for top in data.TREE for leaf in top.leaves]


def generate(n: int, *, seed: int = 7) -> list[Item]:
    rng = np.random.default_rng(seed)
    brands, cats = brand_names(), leaves()
    vendors = [f"{a} {b}" for a in data.VENDOR_WORDS[0] for b in data.VENDOR_WORDS[1]][:50]
    now = datetime.now(timezone.utc)
    out = []
    for i in range(n):
        top, leaf, nouns, price = cats[i % len(cats)]
        noun = nouns[int(rng.integers(0, len(nouns)))]
        adjective = data.ADJECTIVES[int(rng.integers(0, len(data.ADJECTIVES)))]
        brand = brands[int(rng.integers(0, len(brands)))]
        title = f"{brand} {adjective} {noun}"
        facts = ProductFacts(
            product_id=str(uuid.UUID(int=i + 1)), title=title, slug=f"p-{i}", status="active",
            description=f"{title}: a {noun.lower()} from our {leaf.lower()} range.",
            vendor_id=str(uuid.UUID(int=10**9 + i % 50)), vendor_name=vendors[i % 50], vendor_status="active",
            category_names=[top, leaf], category_ids=[top.lower(), f"{top}-{leaf}".lower()],
            category_path=f"{top} > {leaf}", brand_id=None, brand=brand, attributes={},
            option_values=[], price_minor=int(price * float(rng.uniform(0.5, 1.8))), currency="USD",
            rating_avg=round(float(rng.uniform(2.5, 5.0)), 1), units_sold=int(rng.poisson(20)),
            created_at=now - timedelta(days=int(rng.integers(0, 700))), in_stock=bool(rng.random() > 0.1))
        out.append(Item(facts, top, leaf, noun))
    return out


async def create_index(engine: Engine, alias: str) -> str:
    name = f"{alias}_c"
    await engine.drop_collection(name)
    await engine.create_collection(collection_schema(name))
    await engine.point_alias(alias, name)
    for synonym_id, words in synonyms.SEEDED:
        await engine.upsert_synonym(name, synonym_id, {"synonyms": list(words)})
    return name


async def drop_index(engine: Engine, alias: str) -> None:
    await engine.drop_alias(alias)
    await engine.drop_collection(f"{alias}_c")


def documents(items: list[Item], vectors: np.ndarray | None, weights: RelevanceWeights) -> list[dict]:
    return [document(item.facts, weights=weights, embedding=None if vectors is None else vectors[i].tolist())
            for i, item in enumerate(items)]


def texts(items: list[Item]) -> list[str]:
    return [embedding_text(item.facts) for item in items]
