"""The admin's synonym sets: put (create or replace) and remove. Stored first, then applied to the live collection
before the commit, so a Typesense outage answers 503 and leaves the database as it was."""
from __future__ import annotations

from apps.search import synonyms as rules
from apps.search.engine import Engine
from apps.search.orm import SearchSynonym
from apps.search.repository import SearchRepository
from kernel.clock import utcnow
from kernel.errors import NotFound, ValidationFailed
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def put_synonym(*, uow: UnitOfWork, engine: Engine, collection: str, synonym_id: str, synonyms: list[str],
                      root: str | None) -> SearchSynonym:
    if not rules.valid_id(synonym_id):
        raise ValidationFailed("A synonym set id is 1-64 of a-z, 0-9, '_' and '-'.",
                               errors=[{"field": "id", "message": "invalid id"}])
    words = rules.clean_words(synonyms)
    root_word = rules.clean_words([root])[0] if root else None
    if len(words) < (1 if root_word else 2):
        raise ValidationFailed("A multi-way set needs at least two words; a one-way set a root and one word.",
                               errors=[{"field": "synonyms", "message": "too few words"}])
    repo = uow.repository(SearchRepository)
    row = await repo.synonym(synonym_id)
    if row is None:
        row = SearchSynonym(synonym_id=synonym_id)
        repo.stage(row)
    row.synonyms, row.root, row.updated_at = words, root_word, utcnow()
    await repo.flush()
    # Engine before the commit: if Typesense is down the caller gets a 503 and the database change rolls back.
    await engine.upsert_synonym(collection, synonym_id, rules.engine_body(row))
    return row


@use_case
async def remove_synonym(*, uow: UnitOfWork, engine: Engine, collection: str, synonym_id: str) -> None:
    repo = uow.repository(SearchRepository)
    row = await repo.synonym(synonym_id) if rules.valid_id(synonym_id) else None
    if row is None:
        raise NotFound(f"No synonym set {synonym_id[:64]!r}.")
    await repo.delete(row)
    await engine.delete_synonym(collection, synonym_id)
