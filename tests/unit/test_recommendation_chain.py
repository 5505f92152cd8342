"""The recommendations fallback chain and its filters, pure (no IO: links are in-memory producers)."""
from __future__ import annotations

import pytest

from apps.serving.domain.recommendations import (CO_PURCHASE, MODEL, POPULAR, TRENDING, Candidate, Link, run_chain,
                                                take)
from apps.serving.domain.model_links import personal, similar


def cands(*ids: str, reason: str = "x") -> list[Candidate]:
    return [Candidate(i, float(10 - n), reason) for n, i in enumerate(ids)]


def link(name: str, ids: list[str], *, filtered: bool = True, calls: list | None = None) -> Link:
    async def produce(n: int) -> list[Candidate]:
        if calls is not None:
            calls.append((name, n))
        return cands(*ids, reason=name)[:n]
    return Link(name, produce, filtered)


async def everything(ids: list[str]) -> set[str]:
    return set(ids)


def test_take_skips_excluded_unshowable_and_repeated_items():
    got = take(cands("a", "b", "a", "c", "d", "e"), allowed={"a", "c", "d", "e"}, exclude={"d"}, room=3)
    assert [c.product_id for c in got] == ["a", "c", "e"]


async def test_first_link_with_an_item_names_the_strategy_and_later_links_top_up():
    out = await run_chain([link(POPULAR, ["p1", "p2", "p3"]), link(MODEL, ["m1"]), link(CO_PURCHASE, [])],
                          limit=3, exclude=set(), showable=everything)
    assert out.strategy == MODEL  # links run in chain order whatever order they were given in
    assert [c.product_id for c in out.items] == ["m1", "p1", "p2"]
    assert out.tried == [MODEL, CO_PURCHASE, POPULAR]


async def test_a_full_first_link_stops_the_chain():
    calls: list = []
    out = await run_chain([link(MODEL, ["m1", "m2"], calls=calls), link(POPULAR, ["p1"], calls=calls)],
                          limit=2, exclude=set(), showable=everything)
    assert out.strategy == MODEL and out.tried == [MODEL] and [n for n, _ in calls] == [MODEL]


async def test_the_model_link_is_held_to_showable_products():
    async def only_m2(ids: list[str]) -> set[str]:
        return {"m2"}
    out = await run_chain([link(MODEL, ["m1", "m2"], filtered=False), link(TRENDING, ["t1"])], limit=2,
                          exclude=set(), showable=only_m2)
    assert [c.product_id for c in out.items] == ["m2", "t1"]


async def test_a_model_whose_every_item_is_gone_hands_over_to_the_next_link():
    async def nothing(ids: list[str]) -> set[str]:
        return set()
    out = await run_chain([link(MODEL, ["m1"], filtered=False), link(CO_PURCHASE, ["c1"])], limit=5,
                          exclude=set(), showable=nothing)
    assert out.strategy == CO_PURCHASE and [c.product_id for c in out.items] == ["c1"]


async def test_a_failing_link_is_skipped_and_the_chain_still_answers():
    async def broken(n: int) -> list[Candidate]:
        raise RuntimeError("model exploded")
    out = await run_chain([Link(MODEL, broken), link(TRENDING, []), link(POPULAR, ["p1"])], limit=2,
                          exclude=set(), showable=everything)
    assert out.strategy == POPULAR and out.failed == [MODEL] and [c.product_id for c in out.items] == ["p1"]


async def test_nothing_anywhere_is_an_empty_popular_answer():
    out = await run_chain([link(POPULAR, [])], limit=5, exclude=set(), showable=everything)
    assert out.strategy == POPULAR and out.items == []


async def test_excluded_items_never_appear_and_links_are_asked_for_enough_to_cover_them():
    calls: list = []
    out = await run_chain([link(MODEL, ["b1", "b2", "m1", "m2"], calls=calls)], limit=2, exclude={"b1", "b2"},
                          showable=everything)
    assert [c.product_id for c in out.items] == ["m1", "m2"]
    assert calls == [(MODEL, 4)]



class StubModel:
    """Stands in for models.recommendations.Recommender's read side (its own tests cover the real one)."""

    def recommend_explained(self, users, k=10, exclude_seen=True):
        return {"known": [("i1", 0.9, "als"), ("i2", 0.5, "item_item")], "stranger": [("i9", 5.0, "trending")]}

    def similar_items_explained(self, items, k=10):
        return {"a": [("i1", 0.8, "als_similar"), ("b", 0.7, "als_similar")],
                "b": [("i1", 0.9, "als_similar"), ("i3", 0.1, "trending_in_category")]}


@pytest.mark.parametrize("user,expected", [("known", ["i1", "i2"]), ("stranger", [])])
def test_the_models_own_fallback_is_not_taken_for_its_opinion(user, expected):
    model = StubModel()
    model.recommend_explained = lambda users, k=10, exclude_seen=True: {
        user: StubModel().recommend_explained(users)[user]}
    assert [c.product_id for c in personal(model, user, 5)] == expected


def test_similar_items_merge_by_best_score_and_leave_out_the_seeds_and_fallbacks():
    got = similar(StubModel(), ["a", "b"], 5)
    assert [(c.product_id, c.score) for c in got] == [("i1", 0.9)]
