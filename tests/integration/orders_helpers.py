"""Helpers for the orders tests: fast shoppers (tokens minted by the in-process auth service), the shared shop
(vendors and products through tests/flows.py), carts filled through the gateway, checkout calls, payment and
shipping events fed to the orders consumer as Kafka would deliver them, and reads of the orders database."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from kernel.contracts.registry import contract_for
from kernel.events import Envelope
from kernel.ids import new_id_str
from tests.flows import active_product, approved_vendor, bearer, eventually

ADDRESS = {"name": "Ada Lovelace", "line1": "1 Analytical St", "city": "London", "postalCode": "N1 9GU",
           "country": "GB"}
ORDER_BODY = {"shippingAddress": ADDRESS, "shippingMethod": "standard"}


def orders_app(gateway):
    return gateway.state.services["orders"]


def shopper(gateway, roles: tuple[str, ...] = ("customer",)) -> dict[str, Any]:
    """A shopper without the argon2 round trip of registering: 30 of them race in one test."""
    user_id = new_id_str()
    token = gateway.state.services["auth"].state.issuer.access_token(user_id=user_id, roles=list(roles), vendor_id=None)
    return {"userId": user_id, "headers": bearer(token)}


def key() -> dict[str, str]:
    return {"Idempotency-Key": f"test-{uuid.uuid4().hex}"}


async def add_to_cart(client: httpx.AsyncClient, who: dict, sku: str, qty: int = 1) -> dict:
    """Waits while the cart has not yet projected the product (product.approved crosses Kafka)."""
    async def add() -> httpx.Response:
        return await client.post("/v1/cart/items", json={"sku": sku, "qty": qty}, headers=who["headers"])

    resp = await eventually(add, lambda r: r.status_code == 201, what=f"the cart to accept {sku}", timeout=30)
    return resp.json()


async def place(client: httpx.AsyncClient, who: dict, *, body: dict | None = None,
                headers: dict[str, str] | None = None) -> httpx.Response:
    return await client.post("/v1/orders", json=ORDER_BODY if body is None else body,
                             headers={**who["headers"], **(key() if headers is None else headers)})


async def stock(client: httpx.AsyncClient, sku: str) -> dict:
    resp = await client.get(f"/v1/inventory/{sku}")
    assert resp.status_code == 200, resp.text
    return resp.json()


async def feed(gateway, event_type: str, data: dict[str, Any]) -> bool:
    """Deliver one event to the orders consumer exactly as Kafka would (validated by its contract)."""
    env = Envelope(type=event_type, data=contract_for(event_type).validate(data))
    return await orders_app(gateway).state.consumer.handle(env.to_json())


async def rows(gateway, sql: str, **params: Any) -> list[Any]:
    async with orders_app(gateway).state.db.engine.connect() as conn:
        return list(await conn.execute(text(sql), params))


async def execute(gateway, sql: str, **params: Any) -> None:
    async with orders_app(gateway).state.db.engine.begin() as conn:
        await conn.execute(text(sql), params)


async def events(gateway, event_type: str, order_no: str) -> list[dict]:
    found = await rows(gateway, "SELECT payload FROM outbox WHERE event_type = :t AND key = :k ORDER BY seq",
                       t=event_type, k=order_no)
    return [r[0]["data"] for r in found]


async def vendor_projected(gateway, vendor_id: str) -> None:
    async def look() -> list:
        return await rows(gateway, "SELECT status FROM vendor_commissions WHERE vendor_id = :v", v=vendor_id)

    await eventually(look, lambda found: bool(found) and found[0][0] == "active",
                     what=f"orders to project vendor {vendor_id}", timeout=30)


@pytest.fixture(scope="module")
async def shop(client, gateway, admin_token) -> dict:
    """Two vendors (12.5 % and a fixed 3.00 commission), their products, and a SKU with only 5 units."""
    va, vb = await asyncio.gather(
        approved_vendor(client, admin_token, commission_type="percent", commission_value="12.5"),
        approved_vendor(client, admin_token, commission_type="fixed", commission_value=300))
    a, b, last = await asyncio.gather(
        active_product(client, admin_token, va, price_minor=1_500, stock=100),
        active_product(client, admin_token, vb, price_minor=2_500, stock=100),
        active_product(client, admin_token, va, price_minor=999, stock=5))
    await asyncio.gather(vendor_projected(gateway, va["id"]), vendor_projected(gateway, vb["id"]))
    for seller in (va, vb):
        seller["headers"] = bearer(seller["token"])
    return {"va": va, "vb": vb, "a": a, "b": b, "last": last}
