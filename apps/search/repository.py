"""The search database as the search use cases see it (`uow.repository(SearchRepository)`): the synonym sets, so
the admin's decisions (valid ids and words, the engine told before the commit) run in unit tests on an in-memory
stand-in (tests/fakes/search.py). The projections and the indexer work on the session: they are SQL through and
through (locks, upserts, version arithmetic) and are shown by the integration tests."""
from __future__ import annotations

from sqlalchemy import select

from apps.search.orm import SearchSynonym
from kernel.uow import Repository


class SearchRepository(Repository):
    async def synonym(self, synonym_id: str) -> SearchSynonym | None:
        return await self.session.get(SearchSynonym, synonym_id)

    async def synonyms(self) -> list[SearchSynonym]:
        return list((await self.session.scalars(select(SearchSynonym).order_by(SearchSynonym.synonym_id))).all())

    async def delete(self, row: SearchSynonym) -> None:
        await self.session.delete(row)
        await self.session.flush()
