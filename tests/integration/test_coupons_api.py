"""Coupons against the real stack: admin routes through the gateway, the internal evaluate/redeem/release API the
way orders calls it, and usage limits that hold when shoppers race for the last use."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import text

from kernel.ids import new_id_str
from tests.flows import bearer, new_shopper, tag

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def coupons_app(gateway):
    return gateway.state.services["coupons"]


@pytest.fixture(scope="module")
async def internal(coupons_app):
    token = coupons_app.state.settings.internal_api_token
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=coupons_app), base_url="http://coupons.internal",
                                 headers={"X-Internal-Token": token}, timeout=60) as c:
        yield c


def window(**shift) -> dict[str, str]:
    now = datetime.now(timezone.utc)
    return {"startsAt": (now - timedelta(hours=1)).isoformat(), "endsAt": (now + timedelta(days=1)).isoformat(),
            **shift}


async def create(client, admin_token: str, **fields) -> dict:
    body = {"code": f"C{tag().upper()}", "type": "percent", "value": 10, **window(), **fields}
    resp = await client.post("/v1/admin/coupons", json=body, headers=bearer(admin_token))
    assert resp.status_code == 201, resp.text
    return resp.json()


def lines(*specs: tuple[str, int, int], vendor: str | None = None) -> list[dict]:
    return [{"sku": sku, "productId": new_id_str(), "vendorId": vendor or new_id_str(), "categoryIds": [],
             "qty": qty, "priceMinor": price} for sku, qty, price in specs]


async def redeem(internal, code: str, *, user: str | None = None, order_no: str | None = None,
                 discount: int = 100) -> httpx.Response:
    return await internal.post("/internal/v1/coupons/redeem", json={
        "code": code, "userId": user or new_id_str(), "orderNo": order_no or f"T-{tag()}", "discountMinor": discount})


async def outbox(coupons_app, coupon_id: str) -> list[dict]:
    async with coupons_app.state.db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM outbox WHERE key = :k ORDER BY seq"), {"k": coupon_id})
        return [r[0] for r in rows]


async def test_admin_creates_and_lists_coupons(client, admin_token, coupons_app):
    code = f"spring-{tag()}"
    vendor_id = str(uuid.uuid4())
    coupon = await create(client, admin_token, code=f"  {code} ", type="fixed", value=1_500, minOrderMinor=5_000,
                          maxDiscountMinor=1_000, usageLimit=100, perUserLimit=1,
                          scopes=[{"scopeType": "vendor", "refId": vendor_id.upper()}])
    assert coupon["code"] == code.upper() and coupon["usedCount"] == 0 and coupon["currency"] == "USD"
    assert coupon["scopes"] == [{"scopeType": "vendor", "refId": vendor_id}]
    again = await client.post("/v1/admin/coupons", json={"code": code.lower(), "type": "percent", "value": 5,
                                                         **window()}, headers=bearer(admin_token))
    assert again.status_code == 409
    listed = await client.get("/v1/admin/coupons", params={"code": code}, headers=bearer(admin_token))
    assert listed.status_code == 200 and [c["id"] for c in listed.json()["items"]] == [coupon["id"]]
    one = await client.get(f"/v1/admin/coupons/{coupon['id']}", headers=bearer(admin_token))
    assert one.status_code == 200 and one.json()["minOrderMinor"] == 5_000
    assert (await client.get("/v1/admin/coupons/not-an-id", headers=bearer(admin_token))).status_code == 404
    created = [e for e in await outbox(coupons_app, coupon["id"]) if e["type"] == "coupon.created"]
    assert created and created[0]["data"]["perUserLimit"] == 1


async def test_admin_only_and_bad_input(client, admin_token):
    shopper = await new_shopper(client)
    body = {"code": f"X{tag()}", "type": "percent", "value": 10, **window()}
    assert (await client.post("/v1/admin/coupons", json=body)).status_code == 401
    assert (await client.post("/v1/admin/coupons", json=body, headers=bearer(shopper["accessToken"]))).status_code \
        == 403
    now = datetime.now(timezone.utc).isoformat()
    for bad in ({"value": 101}, {"value": 0}, {"value": 12.5}, {"type": "bogo"}, {"code": "a"}, {"code": "bad code"},
                {"startsAt": now, "endsAt": now}, {"startsAt": "yesterday"}, {"usageLimit": 0},
                {"usageLimit": 1, "perUserLimit": 2}, {"scopes": [{"scopeType": "shop", "refId": new_id_str()}]},
                {"scopes": [{"scopeType": "vendor", "refId": "not-a-uuid"}]}, {"maxDiscountMinor": 0},
                {"currency": "usd"}, {"surprise": 1}):
        resp = await client.post("/v1/admin/coupons", json={**body, "code": f"X{tag()}", **bad},
                                 headers=bearer(admin_token))
        assert resp.status_code == 422, (bad, resp.text)


async def test_evaluate_explains_and_allocates(client, admin_token, internal):
    vendor = new_id_str()
    coupon = await create(client, admin_token, value=25, scopes=[{"scopeType": "vendor", "refId": vendor}])
    items = lines(("A", 2, 1_000)) + lines(("B", 3, 333), vendor=vendor)
    resp = await internal.post("/internal/v1/coupons/evaluate", json={"code": coupon["code"].lower(),
                                                                      "userId": new_id_str(), "items": items,
                                                                      "currency": "USD"})
    body = resp.json()
    assert resp.status_code == 200 and body["valid"] is True
    assert body["discountMinor"] == 250  # 25 % of 999 = 249.75
    assert body["allocations"] == [{"sku": "A", "discountMinor": 0}, {"sku": "B", "discountMinor": 250}]
    unknown = await internal.post("/internal/v1/coupons/evaluate", json={"code": "NOPE-NOPE", "userId": new_id_str(),
                                                                         "items": items})
    assert unknown.json()["valid"] is False and unknown.json()["reason"] == "not_found"
    assert (await internal.post("/internal/v1/coupons/evaluate", json={"code": "X", "userId": "me"})).status_code \
        == 422
    no_token = await internal.post("/internal/v1/coupons/evaluate", headers={"X-Internal-Token": "wrong"},
                                   json={"code": "X", "userId": new_id_str()})
    assert no_token.status_code == 403


async def test_redeem_is_idempotent_per_order_and_release_gives_the_use_back(client, admin_token, internal,
                                                                             coupons_app):
    coupon = await create(client, admin_token, usageLimit=2, perUserLimit=1, type="fixed", value=500)
    user, order_no = new_id_str(), f"T-{tag()}"
    first = await redeem(internal, coupon["code"], user=user, order_no=order_no, discount=500)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "redeemed" and first.json()["discountMinor"] == 500
    again = await redeem(internal, coupon["code"], user=user, order_no=order_no, discount=500)
    assert again.status_code == 201 and again.json()["redemptionId"] == first.json()["redemptionId"]
    second_order = await redeem(internal, coupon["code"], user=user)
    assert second_order.status_code == 409 and second_order.json()["errors"][0]["reason"] == "per_user_limit_reached"
    too_much = await redeem(internal, coupon["code"], discount=501)
    assert too_much.status_code == 422
    assert (await redeem(internal, "NO-SUCH-CODE")).status_code == 404

    for _ in range(2):
        assert (await internal.post("/internal/v1/coupons/release", json={"orderNo": order_no})).status_code == 204
    state = (await client.get(f"/v1/admin/coupons/{coupon['id']}", headers=bearer(admin_token))).json()
    assert state["usedCount"] == 0
    assert (await redeem(internal, coupon["code"], user=user, order_no=order_no)).status_code == 201
    types = [e["type"] for e in await outbox(coupons_app, coupon["id"])]
    assert types == ["coupon.created", "coupon.redeemed", "coupon.released", "coupon.redeemed"]


async def test_expired_and_user_scoped_coupons_are_not_redeemable(client, admin_token, internal):
    expired = await create(client, admin_token, startsAt="2020-01-01T00:00:00", endsAt="2020-01-02T00:00:00")
    resp = await redeem(internal, expired["code"])
    assert resp.status_code == 422 and resp.json()["errors"][0]["reason"] == "expired"
    vip = new_id_str()
    scoped = await create(client, admin_token, scopes=[{"scopeType": "user", "refId": vip}])
    assert (await redeem(internal, scoped["code"])).status_code == 422
    assert (await redeem(internal, scoped["code"], user=vip)).status_code == 201


async def _race(internal, code: str, n: int, *, same_user: str | None = None) -> list[int]:
    replies = await asyncio.gather(*(redeem(internal, code, user=same_user) for _ in range(n)))
    return sorted(r.status_code for r in replies)


async def _uses(coupons_app, coupon_id: str) -> tuple[int, int]:
    async with coupons_app.state.db.engine.connect() as conn:
        used = (await conn.execute(text("SELECT used_count FROM coupons WHERE id = :i"), {"i": coupon_id})).scalar()
        rows = (await conn.execute(text("SELECT count(*) FROM redemptions WHERE coupon_id = :i "
                                        "AND status = 'redeemed'"), {"i": coupon_id})).scalar()
    return used, rows


@pytest.mark.parametrize("racers", [2, 20])
async def test_last_use_race_has_exactly_one_winner(client, admin_token, internal, coupons_app, racers):
    coupon = await create(client, admin_token, usageLimit=1)
    assert await _race(internal, coupon["code"], racers) == [201] + [409] * (racers - 1)
    assert await _uses(coupons_app, coupon["id"]) == (1, 1)


async def test_per_user_limit_holds_under_a_race(client, admin_token, internal, coupons_app):
    coupon = await create(client, admin_token, usageLimit=50, perUserLimit=2)
    assert await _race(internal, coupon["code"], 10, same_user=new_id_str()) == [201, 201] + [409] * 8
    assert await _uses(coupons_app, coupon["id"]) == (2, 2)


async def test_admin_disables_a_coupon_and_moves_its_limits(client, admin_token, internal, coupons_app):
    coupon = await create(client, admin_token, usageLimit=5)
    assert (await redeem(internal, coupon["code"])).status_code == 201
    assert (await redeem(internal, coupon["code"])).status_code == 201
    url = f"/v1/admin/coupons/{coupon['id']}"
    below = await client.patch(url, json={"usageLimit": 1}, headers=bearer(admin_token))
    assert below.status_code == 422 and below.json()["errors"][0]["field"] == "usageLimit"
    early = await client.patch(url, json={"endsAt": "2000-01-01T00:00:00Z"}, headers=bearer(admin_token))
    assert early.status_code == 422
    off = await client.patch(url, json={"active": False, "usageLimit": 2}, headers=bearer(admin_token))
    assert off.status_code == 200 and off.json()["active"] is False and off.json()["usageLimit"] == 2
    resp = await internal.post("/internal/v1/coupons/evaluate", json={"code": coupon["code"], "userId": new_id_str(),
                                                                      "items": lines(("A", 1, 100))})
    assert resp.json()["reason"] == "inactive"
    assert (await redeem(internal, coupon["code"])).status_code == 422
    shopper = await new_shopper(client)
    assert (await client.patch(url, json={"active": True}, headers=bearer(shopper["accessToken"]))).status_code == 403
    assert (await client.patch("/v1/admin/coupons/nope", json={}, headers=bearer(admin_token))).status_code == 404
    updated = [e["data"] for e in await outbox(coupons_app, coupon["id"]) if e["type"] == "coupon.updated"]
    assert len(updated) == 1 and updated[0]["changedFields"] == ["active", "usageLimit"]
    assert updated[0]["usedCount"] == 2 and updated[0]["active"] is False
