"""Pure rules of search: request validation, filters, rank fusion, ranking score, documents."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from apps.search import domain as rules
from apps.search.config import RelevanceWeights, SearchSettings
from apps.search.documents import price_range, rank_score
from kernel.errors import ValidationFailed


def test_fusion_rewards_documents_both_lists_agree_on():
    kw = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    sem = [{"id": "c"}, {"id": "d"}]
    fused = rules.fuse(kw, sem, semantic_weight=1.0, k=60)
    assert [d["id"] for d in fused.docs] == ["c", "a", "b", "d"]  # b and d tie (rank 2 each): by id
    assert fused.sources == {"c": "keyword+semantic", "a": "keyword", "d": "semantic", "b": "keyword"}
    only_keyword = rules.fuse(kw, sem, semantic_weight=0.0, k=60)
    assert [d["id"] for d in only_keyword.docs][:3] == ["a", "b", "c"]


def test_filters_quote_names_and_use_ids_for_uuids():
    uid = "0190a0b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b"
    req = rules.SearchRequest(q="x", category="Shoes `&& status:=draft", brand=uid, min_price=100, max_price=900,
                              min_rating=4, attributes=("color:Black",))
    assert rules.filter_by(req) == ("status:=active && categories:=`Shoes && status:=draft` && brand_id:=" + uid +
                                    " && price_minor:>=100 && price_minor:<=900 && rating_avg:>=4 && "
                                    "attributes:=`color:Black`")


@pytest.mark.parametrize("req", [
    rules.SearchRequest(q="a", page=10**9), rules.SearchRequest(q="a", per_page=101),
    rules.SearchRequest(q="a", min_price=5, max_price=1), rules.SearchRequest(q="a", mode="x"),
    rules.SearchRequest(q="a", attributes=("nocolon",)),
])
def test_invalid_requests_are_refused(req):
    with pytest.raises(ValidationFailed):
        rules.validate(req, SearchSettings())


def test_text_and_facet_checks():
    with pytest.raises(ValidationFailed):
        rules.clean_text("a\x00b", "q", 200)
    with pytest.raises(ValidationFailed):
        rules.clean_text("a" * 201, "q", 200)
    assert rules.clean_text("  tv   stand ", "q", 200) == "tv stand"
    with pytest.raises(ValidationFailed):
        rules.parse_facets("category,colour")
    assert rules.parse_facets("brand, price") == ("brand", "price")


def test_rank_score_mixes_popularity_and_freshness_by_the_weights():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    popular = RelevanceWeights(popularity=1.0, freshness=0.0)
    assert rank_score(units_sold=1000, created_at=now, weights=popular, now=now) > \
        rank_score(units_sold=10, created_at=now, weights=popular, now=now)
    fresh = RelevanceWeights(popularity=0.0, freshness=1.0, freshnessHalfLifeDays=30)
    assert rank_score(units_sold=0, created_at=now - timedelta(days=30), weights=fresh, now=now) == 500


def test_relevance_weights_come_from_json(monkeypatch):
    monkeypatch.setenv("RELEVANCE_WEIGHTS_JSON", '{"popularity": 0.2, "freshness": 0.8, "semantic": 0.5}')
    weights = SearchSettings().relevance_weights
    assert (weights.popularity, weights.freshness, weights.semantic) == (0.2, 0.8, 0.5)


def test_price_ranges():
    assert [price_range(p) for p in (0, 999, 1_000, 49_999, 50_000)] == ["0-10", "0-10", "10-25", "250-500", "500+"]
