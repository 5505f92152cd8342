"""From projection rows to index documents: gather a batch of products' facts, embed what changed, build the
batch (upserts for listed products, deletes for the others), push it, and record the versions pushed. The sync
loop's tick (use_cases/sync_index.py) and a full reindex (use_cases/reindex.py) are both made of these steps.
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession

from apps.search.config import RelevanceWeights
from apps.search.documents import ProductFacts, document, embedding_text, is_listed, text_key
from apps.search.embeddings import Embedder
from apps.search.engine import Engine
from apps.search.orm import (SearchBrand, SearchCategory, SearchIndexState, SearchProduct, SearchSku,
                             SearchVendor)


@dataclass
class Batch:
    upserts: list[dict]
    deletes: list[str]
    versions: dict[str, int]


# Database URL → (fingerprint of search_categories, category tree): the tree is rebuilt only when a row changed.
_TREES: dict[str, tuple[str, dict[str, tuple[list[str], list[str]]]]] = {}
_FINGERPRINT = func.md5(func.coalesce(func.string_agg(
    SearchCategory.category_id + ":" + SearchCategory.name + ":" + func.coalesce(SearchCategory.parent_id, ""),
    aggregate_order_by(literal_column("','"), SearchCategory.category_id)), ""))


async def _category_names(session: AsyncSession) -> dict[str, tuple[list[str], list[str]]]:
    """category id → (names root first, ids root first).

    Every tick with pending products needs the whole tree, but categories rarely change: the database hashes the
    rows it would send (one small round-trip) and the tree is rebuilt only when that hash moved, so a category
    event from any process is seen at the next tick, never a stale name."""
    fingerprint = await session.scalar(select(_FINGERPRINT))
    key = str(session.bind.url) if session.bind is not None else ""
    cached = _TREES.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    tree = _build_tree((await session.scalars(select(SearchCategory))).all())
    _TREES[key] = (fingerprint, tree)
    return tree


def _build_tree(categories: Sequence[SearchCategory]) -> dict[str, tuple[list[str], list[str]]]:
    rows = {c.category_id: c for c in categories}
    out: dict[str, tuple[list[str], list[str]]] = {}
    for cid in rows:
        names, ids, node, seen = [], [], rows.get(cid), set()
        while node is not None and node.category_id not in seen:
            seen.add(node.category_id)
            names.insert(0, node.name)
            ids.insert(0, node.category_id)
            node = rows.get(node.parent_id) if node.parent_id else None
        out[cid] = (names, ids)
    return out


async def gather(session: AsyncSession, products: Sequence[SearchProduct]) -> list[ProductFacts]:
    ids = [p.product_id for p in products]
    skus = (await session.scalars(select(SearchSku).where(SearchSku.product_id.in_(ids), SearchSku.active))).all()
    vendor_ids = sorted({p.vendor_id for p in products})
    vendors = {v.vendor_id: v for v in (await session.scalars(
        select(SearchVendor).where(SearchVendor.vendor_id.in_(vendor_ids)))).all()}
    brand_ids = sorted({p.brand_id for p in products if p.brand_id})
    brands = {b.brand_id: b.name for b in (await session.scalars(
        select(SearchBrand).where(SearchBrand.brand_id.in_(brand_ids)))).all()} if brand_ids else {}
    categories = await _category_names(session)
    by_product: dict[str, list[SearchSku]] = {}
    for sku in skus:
        by_product.setdefault(sku.product_id or "", []).append(sku)
    out = []
    for p in products:
        names: list[str] = []
        cat_ids: list[str] = []
        paths = []
        for cid in p.category_ids or []:
            chain_names, chain_ids = categories.get(cid, ([], [cid]))
            names += [n for n in chain_names if n not in names]
            cat_ids += [i for i in chain_ids if i not in cat_ids]
            if chain_names:
                paths.append(" > ".join(chain_names))
        variants = by_product.get(p.product_id, [])
        prices = [v.price_minor for v in variants if v.price_minor is not None]
        vendor = vendors.get(p.vendor_id)
        out.append(ProductFacts(
            product_id=p.product_id, title=p.title, slug=p.slug, description=p.description or "", status=p.status,
            vendor_id=p.vendor_id, vendor_name=vendor.name if vendor else "",
            vendor_status=vendor.status if vendor else None, category_names=names, category_ids=cat_ids,
            category_path=" | ".join(paths), brand_id=p.brand_id, brand=brands.get(p.brand_id or ""),
            attributes=p.attributes or {}, option_values=sorted({(k, v) for s in variants
                                                                 for k, v in (s.option_values or {}).items()}),
            price_minor=min(prices) if prices else None, currency=p.currency, rating_avg=p.rating_avg or 0.0,
            units_sold=p.units_sold or 0, created_at=p.created_at,
            # Unknown stock (no inventory event yet) counts as in stock: the catalog lists it.
            in_stock=not variants or any(v.available is None or v.available > 0 for v in variants)))
    return out


async def embed_missing(embedder: Embedder | None, products: Sequence[SearchProduct],
                        facts: Sequence[ProductFacts]) -> None:
    """Embed the products whose text changed since their stored vector (kept on the row for the next reindex)."""
    if embedder is None:
        return
    todo = [(p, embedding_text(f)) for p, f in zip(products, facts, strict=True) if is_listed(f)]
    todo = [(p, text) for p, text in todo if p.embedding_key != text_key(text) or p.embedding is None]
    if not todo:
        return
    vectors = await asyncio.to_thread(embedder.passages, [text for _, text in todo])
    for (product, text), vector in zip(todo, vectors, strict=True):
        product.embedding, product.embedding_key = vector.astype(np.float32).tobytes(), text_key(text)


def build(products: Sequence[SearchProduct], facts: Sequence[ProductFacts], weights: RelevanceWeights) -> Batch:
    batch = Batch([], [], {})
    for product, fact in zip(products, facts, strict=True):
        batch.versions[product.product_id] = product.index_version
        if is_listed(fact):
            vector = np.frombuffer(product.embedding, dtype=np.float32).tolist() if product.embedding else None
            batch.upserts.append(document(fact, weights=weights, embedding=vector))
        else:
            batch.deletes.append(product.product_id)
    return batch


async def push(engine: Engine, collection: str, batch: Batch) -> None:
    await engine.import_documents(collection, batch.upserts)
    for product_id in batch.deletes:
        await engine.delete_document(collection, product_id)


async def mark_pushed(session: AsyncSession, alias: str, versions: dict[str, int]) -> None:
    rows = [{"alias": alias, "product_id": pid, "indexed_version": v} for pid, v in sorted(versions.items())]
    for start in range(0, len(rows), 1000):
        stmt = insert(SearchIndexState).values(rows[start:start + 1000])
        await session.execute(stmt.on_conflict_do_update(
            index_elements=["alias", "product_id"], set_={"indexed_version": stmt.excluded.indexed_version}))
