"""Search use cases and queries on fakes (no PostgreSQL, no Typesense): the admin's synonym sets (what a valid set
is, the engine told before the commit, nothing kept when it is down) and the search query's decisions (keyword
when there is no embedder, hybrid fusion and counting, the search.served record)."""
from __future__ import annotations

import asyncio
import json

import pytest

from apps.search import domain as rules
from apps.search import queries
from apps.search.config import SearchSettings
from apps.search.engine import SearchUnavailable
from apps.search.use_cases import manage_synonyms
from kernel.errors import NotFound, ValidationFailed
from kernel.testing import run_use_case
from tests.fakes.search import FakeEngine, FakePublisher, FakeVectors, search_world

LIVE = "products_20260101T000000000000"


async def _put(uow, engine, synonym_id="sofa", words=("Sofa", " couch ", "sofa"), root=None):
    return await manage_synonyms.put_synonym(uow=uow, engine=engine, collection=LIVE, synonym_id=synonym_id,
                                             synonyms=list(words), root=root)


async def test_a_multi_way_set_is_cleaned_stored_and_applied_to_the_live_collection():
    uow, repo, engine = search_world()
    row = await _put(uow, engine)

    assert row.synonyms == ["sofa", "couch"] and row.root is None  # lower-cased, folded, deduplicated
    assert list(repo.sets) == ["sofa"] and uow.commits == 1
    assert engine.synonyms[(LIVE, "sofa")] == {"synonyms": ["sofa", "couch"]}


async def test_a_one_way_set_needs_a_root_and_one_word_and_sends_the_root():
    uow, repo, engine = search_world()
    row = await _put(uow, engine, synonym_id="tv", words=["Television"], root=" TV ")

    assert (row.root, row.synonyms) == ("tv", ["television"])
    assert engine.synonyms[(LIVE, "tv")] == {"synonyms": ["television"], "root": "tv"}


@pytest.mark.parametrize("synonym_id, words, root", [
    ("Bad Id!", ["a", "b"], None),  # ids are a-z, 0-9, '_' and '-'
    ("sofa", ["sofa"], None),  # a multi-way set of one word finds nothing new
    ("sofa", ["sofa", "   "], None),  # an empty word
    ("sofa", ["sofa", "x" * 101], None),  # a word too long
    ("sofa", ["sofa", "co\x00uch"], None),  # binary
])
async def test_an_invalid_set_is_refused_before_anything_is_stored_or_sent(synonym_id, words, root):
    uow, repo, engine = search_world()
    with pytest.raises(ValidationFailed):
        await _put(uow, engine, synonym_id=synonym_id, words=words, root=root)
    assert repo.sets == {} and engine.calls.log == []


async def test_with_typesense_down_the_put_fails_and_the_set_is_not_kept():
    uow, repo, engine = search_world()
    engine.down()
    with pytest.raises(SearchUnavailable):
        await _put(uow, engine)
    assert repo.sets == {} and uow.commits == 0 and uow.rollbacks == 1


async def test_putting_an_existing_id_replaces_its_words():
    uow, repo, engine = search_world()
    repo.has("sofa", ["sofa", "couch"])
    await _put(uow, engine, words=["sofa", "settee"])
    assert repo.sets["sofa"].synonyms == ["sofa", "settee"] and len(repo.sets) == 1


async def test_removing_a_set_deletes_it_here_and_in_the_engine_and_an_unknown_one_is_404():
    uow, repo, engine = search_world()
    repo.has("sofa", ["sofa", "couch"])
    await manage_synonyms.remove_synonym(uow=uow, engine=engine, collection=LIVE, synonym_id="sofa")
    assert repo.sets == {} and engine.calls.of("delete_synonym") == [{"collection": LIVE, "synonym_id": "sofa"}]

    for missing in ("sofa", "NOT VALID"):
        with pytest.raises(NotFound):
            await manage_synonyms.remove_synonym(uow=uow, engine=engine, collection=LIVE, synonym_id=missing)


async def test_removing_while_typesense_is_down_keeps_the_set():
    uow, repo, engine = search_world()
    repo.has("sofa", ["sofa", "couch"])
    engine.down()
    with pytest.raises(SearchUnavailable):
        await manage_synonyms.remove_synonym(uow=uow, engine=engine, collection=LIVE, synonym_id="sofa")
    assert list(repo.sets) == ["sofa"]


async def test_the_synonym_list_is_sorted_by_id():
    uow, repo, _ = search_world()
    repo.has("tv", ["tv", "telly"])
    repo.has("sofa", ["sofa", "couch"])
    rows = await run_use_case(uow, queries.list_synonyms)
    assert [r.synonym_id for r in rows] == ["sofa", "tv"]


# -- the search query ------------------------------------------------------------------------------------------

def _doc(pid: str, title: str = "Item") -> dict:
    return {"id": pid, "slug": pid, "title": title, "price_minor": 1250, "rating_avg": 4.5, "vendor_name": "V"}


def _deps(engine: FakeEngine, *, vectors=None, publisher=None, publish=True) -> queries.SearchDeps:
    settings = SearchSettings(publish_search_events=publish, semantic_margin=0.05)
    return queries.SearchDeps(settings=settings, engine=engine, vectors=vectors, publisher=publisher,
                              background=set())


async def test_without_an_embedder_a_hybrid_request_is_answered_by_keyword_alone():
    engine = FakeEngine()
    engine.answer({"hits": [{"document": _doc("p1", "Red sofa")}], "found": 7,
                   "facet_counts": [{"field_name": "brand", "counts": [{"value": "Acme", "count": 7}]}]})
    body = await queries.search(_deps(engine, publish=False), rules.SearchRequest(q="sofa", mode="hybrid"))

    assert body["mode"] == "keyword" and body["found"] == 7 and "embedding" not in body
    assert body["hits"] == [{"productId": "p1", "slug": "p1", "title": "Red sofa", "priceMinor": 1250,
                             "ratingAvg": 4.5, "vendorName": "V"}]
    assert body["facets"] == {"brand": [{"value": "Acme", "count": 7}]}
    [sent] = engine.calls.of("multi_search")
    assert len(sent["searches"]) == 1 and sent["searches"][0]["q"] == "sofa"


async def test_hybrid_fuses_keyword_and_close_vector_hits_and_counts_semantic_only_finds():
    engine, vectors = FakeEngine(), FakeVectors()
    keyword = {"hits": [{"document": _doc("p1")}, {"document": _doc("p2")}], "found": 2}
    semantic = {"hits": [{"document": _doc("p2"), "vector_distance": 0.10},
                         {"document": _doc("p3"), "vector_distance": 0.12},
                         {"document": _doc("p4"), "vector_distance": 0.40}]}  # far from the best: cut
    engine.answer(keyword, semantic)
    body = await queries.search(_deps(engine, vectors=vectors, publish=False),
                                rules.SearchRequest(q="couch", mode="hybrid"))

    assert body["mode"] == "hybrid" and body["embedding"] == "model" and vectors.asked == ["couch"]
    assert [h["productId"] for h in body["hits"]] == ["p2", "p1", "p3"]  # in both lists first
    assert body["found"] == 2 + 1  # keyword's count plus p3, found only by meaning
    [sent] = engine.calls.of("multi_search")
    assert [("vector_query" in s) for s in sent["searches"]] == [False, True]


async def test_a_wildcard_query_never_embeds():
    engine, vectors = FakeEngine(), FakeVectors()
    engine.answer({"hits": [], "found": 0})
    body = await queries.search(_deps(engine, vectors=vectors, publish=False),
                                rules.SearchRequest(q="", mode="semantic"))
    assert body["mode"] == "keyword" and vectors.asked == []


async def test_each_answer_is_recorded_as_search_served_unless_switched_off():
    engine, publisher = FakeEngine(), FakePublisher()
    engine.answer({"hits": [{"document": _doc("p1")}], "found": 1})
    deps = _deps(engine, publisher=publisher)
    await queries.search(deps, rules.SearchRequest(q="lamp", mode="keyword", brand="Acme"))
    await asyncio.gather(*deps.background)

    [(topic, _, value)] = publisher.sent
    event = json.loads(value)
    assert event["type"] == "search.served" and topic
    assert (event["data"]["query"], event["data"]["found"], event["data"]["returned"]) == ("lamp", 1, 1)
    assert event["data"]["filters"] == {"brand": "Acme"}

    quiet = FakePublisher()
    engine.answer({"hits": [], "found": 0})
    await queries.suggest(_deps(engine, publisher=quiet, publish=False), "la", limit=5)
    assert quiet.sent == []
