"""In-memory stand-ins for the search service's seams: the synonym store (SearchRepository) and Typesense (Engine),
so the admin's synonym use cases and the search queries run without PostgreSQL or Typesense."""
from __future__ import annotations

from typing import Any

import numpy as np

from apps.search.engine import SearchUnavailable
from apps.search.orm import SearchSynonym
from apps.search.repository import SearchRepository
from kernel.testing import Calls, FakeRepository, FakeUnitOfWork


class FakeSearchRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.sets: dict[str, SearchSynonym] = {}

    async def synonym(self, synonym_id: str) -> SearchSynonym | None:
        return next((r for r in self.rows(SearchSynonym) if r.synonym_id == synonym_id), None)

    async def synonyms(self) -> list[SearchSynonym]:
        return sorted(self.rows(SearchSynonym), key=lambda r: r.synonym_id)

    def keep(self, row: Any) -> None:
        self.sets[row.synonym_id] = row

    def forget(self, row: Any) -> None:
        del self.sets[row.synonym_id]

    def _kept_rows(self) -> list[Any]:
        return list(self.sets.values())

    def has(self, synonym_id: str, words: list[str], root: str | None = None) -> None:
        """A set already stored (committed)."""
        self.sets[synonym_id] = SearchSynonym(synonym_id=synonym_id, synonyms=words, root=root)


class FakeEngine:
    """Typesense as the use cases and queries call it: synonym writes are recorded, /multi_search answers with the
    results queued by `answer(...)` (one list per call), and `down()` makes every call a SearchUnavailable (503)."""

    def __init__(self) -> None:
        self.calls = Calls()
        self.synonyms: dict[tuple[str, str], dict] = {}
        self._results: list[list[dict[str, Any]]] = []
        self._down = False

    def down(self) -> None:
        self._down = True

    def answer(self, *results: dict[str, Any]) -> None:
        self._results.append(list(results))

    def _call(self, name: str, **kwargs: Any) -> None:
        self.calls.record(name, **kwargs)
        if self._down:
            raise SearchUnavailable("The search engine is unreachable (ConnectError).")

    async def upsert_synonym(self, collection: str, synonym_id: str, body: dict[str, Any]) -> None:
        self._call("upsert_synonym", collection=collection, synonym_id=synonym_id, body=body)
        self.synonyms[(collection, synonym_id)] = body

    async def delete_synonym(self, collection: str, synonym_id: str) -> None:
        self._call("delete_synonym", collection=collection, synonym_id=synonym_id)
        self.synonyms.pop((collection, synonym_id), None)

    async def multi_search(self, searches: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
        self._call("multi_search", searches=searches)
        return self._results.pop(0), 1.5


class FakeVectors:
    """QueryVectors without the model: every query gets the same unit vector, from "model"."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def vector(self, text: str, *, use_cache: bool = True) -> tuple[np.ndarray, str]:
        self.asked.append(text)
        return np.full(384, 384 ** -0.5, dtype=np.float32), "model"


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bytes]] = []

    async def send_many(self, records: list[tuple[str, str, bytes]]) -> list[BaseException | None]:
        self.sent.extend(records)
        return [None] * len(records)


def search_world() -> tuple[FakeUnitOfWork, FakeSearchRepository, FakeEngine]:
    repo = FakeSearchRepository()
    return FakeUnitOfWork({SearchRepository: repo}), repo, FakeEngine()
