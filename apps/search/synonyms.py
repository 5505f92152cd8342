"""Synonym sets: stored in the search database (so every collection a reindex builds gets them) and applied to the
live collection at once. Multi-way sets make every word find the others; a `root` makes a one-way set (searching
the root also finds the synonyms, not the reverse)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from apps.search.engine import Engine
from apps.search.orm import SearchSynonym
from kernel.clock import utcnow
from kernel.errors import NotFound, ValidationFailed
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

# The seeded set: words shoppers use for the simulated catalogue's product types (simulator/catalog_data.py).
SEEDED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tv", ("tv", "television", "telly")),
    ("sneakers", ("sneakers", "trainers", "running shoes")),
    ("phone", ("phone", "smartphone", "mobile", "cellphone")),
    ("earbuds", ("earbuds", "earphones", "in-ear headphones")),
    ("headphones", ("headphones", "headset")),
    ("laptop", ("laptop", "notebook computer", "ultrabook")),
    ("sweater", ("sweater", "jumper", "pullover")),
    ("moisturizer", ("moisturizer", "moisturiser", "face cream")),
    ("cologne", ("cologne", "perfume", "eau de parfum", "fragrance")),
    ("duvet", ("duvet", "comforter", "quilt")),
    ("sofa", ("sofa", "couch")),
    ("backpack", ("backpack", "rucksack")),
    ("skillet", ("skillet", "frying pan")),
    ("blender", ("blender", "mixer")),
    ("sunglasses", ("sunglasses", "shades")),
    ("jeans", ("jeans", "denim")),
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def engine_body(row: SearchSynonym) -> dict:
    body: dict = {"synonyms": list(row.synonyms)}
    if row.root:
        body["root"] = row.root
    return body


def _clean(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        word = " ".join(word.split()).lower()
        if not word or len(word) > 100 or "\x00" in word:
            raise ValidationFailed("Each synonym is 1-100 characters of text.",
                                   errors=[{"field": "synonyms", "message": "invalid word"}])
        if word not in out:
            out.append(word)
    return out


async def seed(session: AsyncSession) -> int:
    """Insert the seeded sets that are not there yet (an admin's edits and deletions of others are kept)."""
    have = set((await session.scalars(select(SearchSynonym.synonym_id))).all())
    added = 0
    for synonym_id, words in SEEDED:
        if synonym_id not in have:
            session.add(SearchSynonym(synonym_id=synonym_id, root=None, synonyms=list(words), updated_at=utcnow()))
            added += 1
    await session.flush()
    return added


async def all_sets(session: AsyncSession) -> list[SearchSynonym]:
    return list((await session.scalars(select(SearchSynonym).order_by(SearchSynonym.synonym_id))).all())


async def apply_all(session: AsyncSession, engine: Engine, collection: str) -> int:
    rows = await all_sets(session)
    for row in rows:
        await engine.upsert_synonym(collection, row.synonym_id, engine_body(row))
    return len(rows)


@use_case
async def put(*, uow: UnitOfWork, engine: Engine, collection: str, synonym_id: str, synonyms: list[str],
              root: str | None) -> SearchSynonym:
    session = uow.session
    if not _ID.match(synonym_id):
        raise ValidationFailed("A synonym set id is 1-64 of a-z, 0-9, '_' and '-'.",
                               errors=[{"field": "id", "message": "invalid id"}])
    words = _clean(synonyms)
    root_word = _clean([root])[0] if root else None
    if len(words) < (1 if root_word else 2):
        raise ValidationFailed("A multi-way set needs at least two words; a one-way set a root and one word.",
                               errors=[{"field": "synonyms", "message": "too few words"}])
    row = await session.get(SearchSynonym, synonym_id)
    if row is None:
        row = SearchSynonym(synonym_id=synonym_id)
        session.add(row)
    row.synonyms, row.root, row.updated_at = words, root_word, utcnow()
    await session.flush()
    # Engine before the commit: if Typesense is down the caller gets a 503 and the database change rolls back.
    await engine.upsert_synonym(collection, synonym_id, engine_body(row))
    return row


@use_case
async def remove(*, uow: UnitOfWork, engine: Engine, collection: str, synonym_id: str) -> None:
    session = uow.session
    row = await session.get(SearchSynonym, synonym_id) if _ID.match(synonym_id) else None
    if row is None:
        raise NotFound(f"No synonym set {synonym_id[:64]!r}.")
    await session.delete(row)
    await session.flush()
    await engine.delete_synonym(collection, synonym_id)
