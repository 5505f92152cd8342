"""Search against the real servers (PostgreSQL, Tansu, Typesense, Redis) through the in-process gateway.

This session's index lives behind its own alias (tests/conftest.py sets SEARCH_COLLECTION_ALIAS), never the demo's.
Product events reach the search service over Kafka (catalog outbox → relay → Tansu → search consumer); vendor
approval is handed to in-process consumers at once by tests/flows.approved_vendor (deliver_now), and the vendor
suspension below goes over Kafka.
"""
from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from apps.search.use_cases.reindex import reindex
from apps.search.config import SearchSettings
from apps.search.main import create_app
from kernel.contracts.registry import contract_for
from kernel.events import Envelope
from kernel.ids import new_id_str
from kernel.kafka import KafkaPublisher
from tests.flows import _ok, approved_vendor, bearer, deliver_now, eventually, new_category, set_stock, tag

pytestmark = pytest.mark.timeout(240)


def search_app(gateway):
    return gateway.state.services["search"]


async def searched(client, params: dict, until, what: str, timeout: float = 40.0) -> dict:
    async def fetch() -> httpx.Response:
        return await client.get("/v1/search", params=params)

    resp = await eventually(fetch, lambda r: r.status_code == 200 and until(r.json()), what=what, timeout=timeout)
    return resp.json()


def ids(body: dict) -> list[str]:
    return [h["productId"] for h in body["hits"]]


@pytest.fixture(scope="module")
async def world(client, admin_token):
    """A vendor with three approved products in a fresh category, found by search over Kafka."""
    t = tag()
    vendor = await approved_vendor(client, admin_token, name=f"Quokka Store {t}")
    category = await new_category(client, admin_token, name=f"Footwear {t}")
    brand = _ok(await client.post("/v1/admin/brands", json={"name": f"Zephyr {t}"}, headers=bearer(admin_token)), 201)
    made = {}
    for key, title, price in (("sneakers", f"Zephyr Sneakers {t}", 5_900),
                              ("boots", f"Hiking Boots {t}", 12_900),
                              ("bengali", f"স্মার্ট টেলিভিশন {t}", 45_000)):
        body = {"title": title, "description": "Light and comfortable.", "categoryIds": [category["id"]],
                "brandId": brand["id"], "attributes": {"material": "mesh"},
                "variants": [{"sku": f"S-{key}-{t}", "priceMinor": price, "currency": "USD", "weightGrams": 300}]}
        created = _ok(await client.post(f"/v1/vendors/{vendor['id']}/products", json=body,
                                        headers=bearer(vendor["token"])), 201)
        _ok(await client.patch(f"/v1/admin/products/{created['id']}/approve", headers=bearer(admin_token)), 200)
        made[key] = {**created, "title": title}
    return {"t": t, "vendor": vendor, "category": category, "brand": brand, "products": made}


async def test_a_created_product_becomes_searchable_with_the_api_fields(client, world):
    sneakers = world["products"]["sneakers"]
    body = await searched(client, {"q": f"Zephyr Sneakers {world['t']}", "mode": "keyword"},
                          lambda b: sneakers["id"] in ids(b), "the new product in the index")
    hit = next(h for h in body["hits"] if h["productId"] == sneakers["id"])
    assert hit == {"productId": sneakers["id"], "slug": sneakers["slug"], "title": sneakers["title"],
                   "priceMinor": 5_900, "ratingAvg": 0.0, "vendorName": world["vendor"]["name"]}
    assert {"hits", "facets", "found", "took_ms"} <= set(body)


async def test_typo_synonym_facets_and_filters(client, world):
    t, category = world["t"], world["category"]
    sneakers, boots = world["products"]["sneakers"], world["products"]["boots"]
    await searched(client, {"q": f"Zephyr Sneakers {t}", "mode": "keyword"},
                   lambda b: sneakers["id"] in ids(b), "indexing")
    typo = await searched(client, {"q": f"snekers {t}", "mode": "keyword"}, lambda b: b["found"] > 0, "typo")
    assert ids(typo)[0] == sneakers["id"]
    # seeded synonym: trainers ↔ sneakers
    synonym = await searched(client, {"q": f"trainers {t}", "mode": "keyword"}, lambda b: b["found"] > 0, "synonym")
    assert ids(synonym)[0] == sneakers["id"]
    faceted = await searched(client, {"q": t, "mode": "keyword", "category": category["name"],
                                      "maxPrice": 20_000, "facets": "category,brand,vendor,price,rating"},
                             lambda b: b["found"] >= 2, "faceted")
    assert set(ids(faceted)) == {sneakers["id"], boots["id"]}  # the 45,000 one is above maxPrice
    assert {f["value"] for f in faceted["facets"]["price"]} == {"50-100", "100-250"}
    assert faceted["facets"]["vendor"] == [{"value": world["vendor"]["name"], "count": 2}]
    by_brand = await client.get("/v1/search", params={"q": t, "brand": world["brand"]["id"], "minPrice": 10_000,
                                                      "maxPrice": 20_000, "mode": "keyword"})
    assert ids(by_brand.json()) == [boots["id"]]


async def test_bengali_query_with_a_typo(client, world):
    bengali = world["products"]["bengali"]
    exact = await searched(client, {"q": "স্মার্ট টেলিভিশন", "vendor": world["vendor"]["id"], "mode": "keyword"},
                           lambda b: bengali["id"] in ids(b), "Bengali exact")
    assert ids(exact)[0] == bengali["id"]
    # one letter dropped from টেলিভিশন: the default tokenizer (no locale) still matches it
    typo = await client.get("/v1/search", params={"q": "টেলিভিশ", "vendor": world["vendor"]["id"],
                                                  "mode": "keyword"})
    assert ids(typo.json()) == [bengali["id"]]


async def test_semantic_and_hybrid_find_meaning_across_languages(client, world):
    bengali = world["products"]["bengali"]
    await searched(client, {"q": "স্মার্ট টেলিভিশন", "vendor": world["vendor"]["id"], "mode": "keyword"},
                   lambda b: bengali["id"] in ids(b), "indexing")
    # An English query with no shared word finds the Bengali-titled TV by meaning only.
    keyword = (await client.get("/v1/search", params={"q": "television set", "vendor": world["vendor"]["id"],
                                                      "mode": "keyword"})).json()
    assert bengali["id"] not in ids(keyword)
    hybrid = await searched(client, {"q": "television set", "vendor": world["vendor"]["id"], "mode": "hybrid"},
                            lambda b: b["hits"] != [], "hybrid")
    assert ids(hybrid)[0] == bengali["id"] and hybrid["mode"] == "hybrid"
    again = (await client.get("/v1/search", params={"q": "television set", "vendor": world["vendor"]["id"]})).json()
    assert again["embedding"] in ("lru", "redis")  # the query vector is cached


async def test_stock_from_inventory_events_sets_in_stock(client, world):
    """inventory.adjusted (over Kafka) sets the in-stock flag: nothing available, then seven."""
    t, boots = world["t"], world["products"]["boots"]
    params = {"q": f"Hiking Boots {t}", "mode": "keyword", "facets": "inStock"}
    # The catalog's events are handed to the in-process consumers here (deliver_now), so inventory opens the SKU's
    # row without waiting for its consumer group; the inventory.adjusted events reach search over Kafka.
    await deliver_now(client, "catalog", boots["id"])
    await set_stock(client, world["vendor"], f"S-boots-{t}", 0)
    out = await searched(client, params,
                         lambda b: b["facets"]["inStock"] == [{"value": "false", "count": 1}], "out of stock",
                         timeout=60)
    assert ids(out) == [boots["id"]]
    await set_stock(client, world["vendor"], f"S-boots-{t}", 7)
    await searched(client, {**params, "inStock": "true"}, lambda b: ids(b) == [boots["id"]],
                   "in stock after the vendor set stock")


async def publish(event_type: str, key: str, data: dict) -> None:
    """Put one event on its topic, as its producing service would (the consumer reads it over Kafka)."""
    contract = contract_for(event_type)
    env = Envelope(type=event_type, data=contract.validate(data))
    publisher = KafkaPublisher()
    try:
        assert await publisher.send_many([(contract.topic.name, key, env.to_json())]) == [None]
    finally:
        await publisher.close()


async def test_ratings_and_sales_from_review_and_order_events(client, gateway, world):
    t, sneakers = world["t"], world["products"]["sneakers"]
    now = datetime.now(timezone.utc).isoformat()
    await searched(client, {"q": f"Zephyr Sneakers {t}", "mode": "keyword"}, lambda b: sneakers["id"] in ids(b),
                   "indexing")
    await publish("review.approved", sneakers["id"], {
        "reviewId": new_id_str(), "productId": sneakers["id"], "rating": 5, "status": "approved",
        "ratingAvg": 4.5, "ratingCount": 2, "moderatedAt": now})
    await publish("order.paid", "ORD-search-test", {
        "orderNo": f"ORD-{t}", "orderId": new_id_str(), "userId": new_id_str(), "totalMinor": 5_900,
        "currency": "USD", "vendorSplits": [], "productIds": [sneakers["id"]], "paidAt": now})
    rated = await searched(client, {"q": t, "minRating": 4, "mode": "keyword", "vendor": world["vendor"]["id"]},
                           lambda b: ids(b) == [sneakers["id"]], "the rating from review.approved")
    assert rated["hits"][0]["ratingAvg"] == 4.5
    engine, alias = search_app(gateway).state.engine, search_app(gateway).state.settings.collection_alias

    async def popularity() -> int:
        return (await engine.get_document(alias, sneakers["id"]) or {}).get("popularity", 0)

    assert await eventually(popularity, lambda p: p == 1, what="a paid order counted in popularity") == 1


async def test_an_archived_product_leaves_the_index(client, admin_token, world):
    t = world["t"]
    body = {"title": f"Archive Me {t}", "description": "Soon gone.", "categoryIds": [world["category"]["id"]],
            "variants": [{"sku": f"S-arch-{t}", "priceMinor": 1_000, "currency": "USD", "weightGrams": 100}]}
    vendor = world["vendor"]
    created = _ok(await client.post(f"/v1/vendors/{vendor['id']}/products", json=body,
                                    headers=bearer(vendor["token"])), 201)
    _ok(await client.patch(f"/v1/admin/products/{created['id']}/approve", headers=bearer(admin_token)), 200)
    params = {"q": f"Archive Me {t}", "mode": "keyword"}
    await searched(client, params, lambda b: ids(b) == [created["id"]], "the product indexed")
    _ok(await client.patch(f"/v1/vendors/{vendor['id']}/products/{created['id']}", json={"status": "archived"},
                           headers=bearer(vendor["token"])), 200)
    await searched(client, params, lambda b: created["id"] not in ids(b), "the archived product gone")


async def test_suggest_completes_a_prefix(client, world):
    t = world["t"]
    await searched(client, {"q": f"Hiking Boots {t}", "mode": "keyword"}, lambda b: b["found"] > 0, "indexing")
    resp = await client.get("/v1/search/suggest", params={"q": f"{t} hik"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["suggestions"][0]["productId"] == world["products"]["boots"]["id"]


@pytest.mark.parametrize("params", [
    {"q": "x" * 5_000}, {"q": "shoe\x00s"}, {"q": "shoes", "facets": "category,colour"}, {"q": "a", "page": 10**9},
    {"q": "a", "perPage": 1_000}, {"q": "a", "minPrice": 500, "maxPrice": 100}, {"q": "a", "mode": "psychic"},
    {"q": "a", "minRating": 9}, {"q": "a", "attr": "nocolon"},
])
async def test_bad_input_is_a_4xx_problem(client, params):
    resp = await client.get("/v1/search", params=params)
    assert 400 <= resp.status_code < 500, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["status"] == resp.status_code


async def test_synonyms_admin(client, admin_token, customer, world):
    t = world["t"]
    path = f"/v1/admin/search/synonyms/boots-{t}"
    body = {"synonyms": [f"wellies{t}", f"boots {t}"]}
    assert (await client.put(path, json=body, headers=bearer(customer["accessToken"]))).status_code == 403
    assert (await client.put(path, json=body)).status_code == 401
    put = await client.put(path, json=body, headers=bearer(admin_token))
    assert put.status_code == 200, put.text
    listed = _ok(await client.get("/v1/admin/search/synonyms", headers=bearer(admin_token)), 200)
    assert {"tv", "sneakers"} <= {s["id"] for s in listed["items"]}  # the seeded set
    found = await searched(client, {"q": f"wellies{t}", "mode": "keyword"}, lambda b: b["found"] > 0, "new synonym")
    assert ids(found) == [world["products"]["boots"]["id"]]
    assert (await client.delete(path, headers=bearer(admin_token))).status_code == 204
    gone = (await client.get("/v1/search", params={"q": f"wellies{t}", "mode": "keyword"})).json()
    assert gone["found"] == 0
    bad = await client.put("/v1/admin/search/synonyms/Bad%20Id", json=body, headers=bearer(admin_token))
    assert bad.status_code == 422


async def test_alias_swap_reindex_keeps_answering(client, gateway, world):
    app = search_app(gateway)
    settings = app.state.settings
    sneakers = world["products"]["sneakers"]
    await searched(client, {"q": f"Zephyr Sneakers {world['t']}", "mode": "keyword"},
                   lambda b: sneakers["id"] in ids(b), "indexing")
    before = await app.state.engine.alias_target(settings.collection_alias)
    report = await reindex(app.state.db.sessions, app.state.engine, alias=settings.collection_alias,
                           weights=settings.relevance_weights, embedder=app.state.embedder)
    assert report.previous == before and report.collection != before
    assert await app.state.engine.alias_target(settings.collection_alias) == report.collection
    assert before not in {c["name"] for c in await app.state.engine.collections()}
    after = (await client.get("/v1/search", params={"q": f"Zephyr Sneakers {world['t']}",
                                                    "mode": "keyword"})).json()
    assert sneakers["id"] in ids(after)


async def test_vendor_suspension_removes_its_products(client, admin_token, world):
    vendor = world["vendor"]
    params = {"q": world["t"], "vendor": vendor["id"], "mode": "keyword"}
    await searched(client, params, lambda b: b["found"] == 3, "all three products indexed")
    _ok(await client.patch(f"/v1/admin/vendors/{vendor['id']}/status", json={"status": "suspended",
                                                                            "reason": "test"},
                           headers=bearer(admin_token)), 200)
    await searched(client, params, lambda b: b["found"] == 0, "the suspended vendor's products gone")


async def test_typesense_down_is_a_503_and_the_catalog_still_lists(client):
    settings = SearchSettings(typesense_url="http://127.0.0.1:9", semantic_enabled=False, run_sweeper=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://search") as direct:
            resp = await direct.get("/v1/search", params={"q": "shoes"})
    assert resp.status_code == 503
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert "unreachable" in resp.json()["detail"]
    assert (await client.get("/v1/products")).status_code == 200
