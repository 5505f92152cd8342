"""Synonym sets: the seeded ones, the rules of a valid set, and applying the stored sets to a collection. Sets are
stored in the search database (so every collection a reindex builds gets them) and applied to the live collection
at once (the admin's edits: use_cases/manage_synonyms.py). Multi-way sets make every word find the others; a
`root` makes a one-way set (searching the root also finds the synonyms, not the reverse)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from apps.search.engine import Engine
from apps.search.orm import SearchSynonym
from apps.search.repository import SearchRepository
from kernel.clock import utcnow
from kernel.errors import ValidationFailed

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


def valid_id(synonym_id: str) -> bool:
    return bool(_ID.match(synonym_id))


def clean_words(words: list[str]) -> list[str]:
    """Lower-cased, whitespace folded, duplicates dropped; a word that is empty, too long or binary is refused."""
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


async def apply_all(session: AsyncSession, engine: Engine, collection: str) -> int:
    rows = await SearchRepository(session).synonyms()
    for row in rows:
        await engine.upsert_synonym(collection, row.synonym_id, engine_body(row))
    return len(rows)
