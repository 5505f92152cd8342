"""GET /v1/ai/recommendations against the real servers: who may ask, bad input, every context, the fallback chain
with no model, the per-user cache and its invalidation by a purchase over Kafka, and products leaving the answers
when their vendor is suspended or their stock runs out (events over Kafka)."""
from __future__ import annotations

import uuid

import pytest
import redis.asyncio as redis

from kernel.settings import common_settings
from tests.flows import bearer, deliver_now, eventually, set_stock, tag
from tests.integration.orders_helpers import add_to_cart, place, shopper, vendor_projected
from tests.integration.reco_helpers import ask, champions_named, ids, reco_shop, serving_rows, showable

KAFKA_TIMEOUT = 90.0  # shared local broker: a consumer-group rebalance can hold an event for tens of seconds


@pytest.fixture(scope="module")
async def world(client, gateway, admin_token):
    shop = await reco_shop(client, gateway, admin_token)
    await vendor_projected(gateway, shop["va"]["id"])
    # One basket of c0 + c1 by shopper A (co-purchase), then c0 alone by shopper B.
    a, b = shopper(gateway), shopper(gateway)
    for who, products in ((a, shop["c"][:2]), (b, shop["c"][:1])):
        for p in products:
            await add_to_cart(client, who, p["sku"])
        resp = await place(client, who)
        assert resp.status_code == 201, resp.text
        await deliver_now(client, "orders", resp.json()["orderNo"])  # fast path; the Kafka path is tested below
    await eventually(lambda: serving_rows(gateway, "SELECT count(*) FROM reco_purchases WHERE user_id = :u",
                                          u=b["userId"]), lambda r: r[0][0] == 1, what="B's purchase projected")
    return {**shop, "A": a, "B": b}


@pytest.fixture
async def no_model(gateway):
    async with champions_named(gateway, f"test-none-{tag()}-") as store:
        yield store


def token_of(who: dict) -> str:
    return who["headers"]["Authorization"].split(" ", 1)[1]


async def test_a_shopper_may_ask_for_themself_staff_for_anyone_nobody_for_another(client, gateway, world,
                                                                                  admin_token, no_model):
    a, b = world["A"], world["B"]
    assert (await ask(client, token_of(a), userId=a["userId"])).status_code == 200
    assert (await ask(client, admin_token, userId=b["userId"])).status_code == 200
    other = await ask(client, token_of(a), userId=b["userId"])
    assert other.status_code == 403
    assert other.headers["content-type"].startswith("application/problem+json")
    assert (await ask(client, None, userId=a["userId"])).status_code == 401
    mine = await ask(client, token_of(a))  # a signed-in shopper without userId is answered for themself
    assert mine.json()["userId"] == a["userId"]
    anonymous = await ask(client, None)
    assert anonymous.status_code == 200 and anonymous.json()["userId"] is None


@pytest.mark.parametrize("params", [
    {"context": "everything"}, {"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"userId": "not-a-uuid"},
    {"context": "product"}, {"context": "product", "productId": "abc"}, {"context": "cart"},
    {"context": "category"}, {"context": "category", "categoryId": "x" * 65},
    {"context": "cart", "productIds": ",".join(str(uuid.uuid4()) for _ in range(51))},
    {"context": "product", "productId": f"{uuid.uuid4()}\x00"},
])
async def test_bad_questions_get_422_problems(client, params):
    resp = await ask(client, None, **params)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")


async def test_without_a_model_the_chain_falls_back_link_by_link(client, world, admin_token, no_model):
    c0, c1 = world["c"][0]["id"], world["c"][1]["id"]
    product = (await ask(client, None, context="product", productId=c0)).json()
    assert product["strategy"] == "co_purchase" and product["modelVersion"] is None
    assert product["items"][0]["productId"] == c1 and c0 not in [i["productId"] for i in product["items"]]
    assert [i["productId"] for i in product["frequentlyBoughtTogether"]] == [c1]
    cart = (await ask(client, None, context="cart", productIds=c0)).json()
    assert cart["strategy"] == "co_purchase" and cart["items"][0]["productId"] == c1
    # B bought c0: their home page is what others bought with it, never c0 itself
    home_b = await ask(client, admin_token, userId=world["B"]["userId"])
    assert home_b.json()["strategy"] == "co_purchase" and ids(home_b)[0] == c1 and c0 not in ids(home_b)
    # nobody's seeds: trending in the category (c0 ordered twice, c1 once), then the category's other products
    category = (await ask(client, None, context="category", categoryId=world["C"], limit=10)).json()
    assert category["strategy"] == "trending_in_category"
    assert [i["productId"] for i in category["items"]][:2] == [c0, c1]
    assert set(i["productId"] for i in category["items"]) == {p["id"] for p in world["c"]}
    d = (await ask(client, None, context="category", categoryId=world["D"])).json()
    assert d["strategy"] == "popular" and set(i["productId"] for i in d["items"]) == {p["id"] for p in world["d"]}
    home = (await ask(client, None, limit=5)).json()
    assert home["strategy"] == "popular" and len(home["items"]) == 5 and home["modelVersion"] is None
    assert (await ask(client, None, context="category", categoryId=f"nothing-{tag()}")).json()["items"] == []


async def test_answers_are_cached_per_user_and_logged(client, gateway, world, admin_token, no_model):
    b = world["B"]
    first = (await ask(client, admin_token, userId=b["userId"], limit=3)).json()
    second = (await ask(client, admin_token, userId=b["userId"], limit=3)).json()
    assert second["cacheHit"] is True and second["items"] == first["items"]
    assert second["requestId"] != first["requestId"]

    async def logged():
        return await serving_rows(gateway, """SELECT r.strategy, r.latency_ms, q.user_id, r.cache_hit
            FROM ai_reco_results r JOIN ai_reco_requests q USING (request_id) WHERE request_id = :r""",
                                  r=second["requestId"])
    row = (await eventually(logged, bool, what="the request log"))[0]
    assert row.strategy == second["strategy"] and str(row.user_id) == b["userId"] and row.cache_hit is True
    assert row.latency_ms >= 0
    outbox = await serving_rows(gateway, """SELECT event_type, payload->'data'->>'variant' FROM outbox
        WHERE payload->'data'->>'requestId' = :r ORDER BY seq""", r=second["requestId"])
    assert [r[0] for r in outbox] == ["ai.recommendation.requested", "ai.recommendation.served"]


async def test_a_purchase_over_kafka_drops_the_cached_answer_and_the_bought_item(client, gateway, world, no_model):
    buyer = shopper(gateway)
    c = world["c"]
    before = (await ask(client, token_of(buyer), context="category", categoryId=world["C"])).json()
    assert c[2]["id"] in [i["productId"] for i in before["items"]]
    assert (await ask(client, token_of(buyer), context="category", categoryId=world["C"])).json()["cacheHit"]
    await add_to_cart(client, buyer, c[2]["sku"])
    assert (await place(client, buyer)).status_code == 201  # order.created reaches serving over Kafka only

    async def answer():
        return await ask(client, token_of(buyer), context="category", categoryId=world["C"])
    after = await eventually(answer, lambda r: c[2]["id"] not in ids(r), what="the bought item to leave",
                             timeout=KAFKA_TIMEOUT)
    assert after.json()["items"], after.text
    r = redis.from_url(common_settings().redis_url)
    try:  # the user's own generation moved (not just a global epoch some other test bumped)
        assert int(await r.hget(f"reco:v1:u:{buyer['userId']}", "_g") or 0) >= 1
    finally:
        await r.aclose()


async def test_suspended_vendors_and_sold_out_products_leave_the_answers_over_kafka(client, gateway, admin_token,
                                                                                     world, no_model):
    shop = await reco_shop(client, gateway, admin_token)  # a shop of its own: this test suspends a vendor
    d0, d1 = shop["d"]
    listed = ids(await ask(client, None, context="category", categoryId=shop["D"]))
    assert set(listed) == {d0["id"], d1["id"]}
    await set_stock(client, shop["vb"], d0["sku"], 0)  # inventory.adjusted, over Kafka

    async def in_d():
        return await ask(client, None, context="category", categoryId=shop["D"])
    await eventually(in_d, lambda r: ids(r) == [d1["id"]], what="the sold-out product to leave",
                     timeout=KAFKA_TIMEOUT)
    resp = await client.patch(f"/v1/admin/vendors/{shop['vb']['id']}/status", json={"status": "suspended"},
                              headers=bearer(admin_token))
    assert resp.status_code == 200, resp.text
    await eventually(in_d, lambda r: ids(r) == [], what="the suspended vendor's products to leave",
                     timeout=KAFKA_TIMEOUT)
    assert not await showable(gateway, d1["id"])
    c = ids(await ask(client, None, context="category", categoryId=shop["C"]))
    assert len(c) == 4  # the other vendor's products stay
