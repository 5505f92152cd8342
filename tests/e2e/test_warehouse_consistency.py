"""Issue 5's consistency check: after real purchases (and a refund), GMV, order count, refund total and per-vendor
net in the warehouse equal the same figures recomputed from the services' own PostgreSQL databases — and replaying
the orders and payments outboxes onto the broker changes no figure."""
from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, text

from kernel.contracts.topics import ORDERS, PAYMENTS
from kernel.settings import common_settings, service_database_url
from kernel.warehouse import warehouse_client
from mkt.outbox_cli import replay_all
from tests.flows import active_product, approved_vendor, bearer, eventually, new_user
from tests.kafka_helpers import end_offsets, wait_committed

ADDRESS = {"line1": "1 Main St", "city": "Austin", "postalCode": "73301", "country": "US"}


def pg(service: str, sql: str, **params) -> list:
    engine = create_engine(service_database_url(service))
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    engine.dispose()
    return rows


def postgres_figures(order_nos: list[str]) -> dict:
    [(count, gmv)] = pg("orders", "SELECT count(*), coalesce(sum(total_minor), 0) FROM orders WHERE order_no = ANY(:n)"
                                  " AND payment_status IN ('paid', 'partial', 'refunded')", n=order_nos)
    net = pg("orders", "SELECT s.vendor_id::text, sum(s.net_minor) FROM vendor_splits s JOIN orders o ON o.id = s.order_id"
                       " WHERE o.order_no = ANY(:n) GROUP BY 1", n=order_nos)
    [(refunds,)] = pg("payments", "SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE order_no = ANY(:n)",
                      n=order_nos)
    return {"orders": count, "gmv": int(gmv), "refunds": int(refunds), "net": {v: int(n) for v, n in net}}


def warehouse_figures(order_nos: list[str]) -> dict:
    c, p = warehouse_client(), {"n": order_nos}
    paid = "order_no IN (SELECT order_no FROM order_events WHERE event_type = 'order.paid')"
    [(count, gmv)] = c.query(f"SELECT count(), sum(total_minor) FROM orders FINAL WHERE order_no IN {{n:Array(String)}}"
                             f" AND {paid}", parameters=p).result_rows
    net = c.query(f"SELECT vendor_id, sum(net_minor) FROM vendor_splits FINAL WHERE order_no IN {{n:Array(String)}}"
                  f" AND {paid} GROUP BY vendor_id", parameters=p).result_rows
    [(refunds,)] = c.query("SELECT sum(amount_minor) FROM refunds FINAL WHERE order_no IN {n:Array(String)}",
                           parameters=p).result_rows
    return {"orders": count, "gmv": int(gmv), "refunds": int(refunds), "net": {v: int(n) for v, n in net}}


async def buy(client, shopper: dict, skus: list[str]) -> str:
    for sku in skus:
        async def add(sku=sku):
            return await client.post("/v1/cart/items", json={"sku": sku, "qty": 1},
                                     headers=bearer(shopper["accessToken"]))
        await eventually(add, lambda r: r.status_code in (200, 201), what=f"cart to sell {sku}")
    order = await client.post("/v1/orders", json={"shippingAddress": ADDRESS, "shippingMethod": "standard"},
                              headers={**bearer(shopper["accessToken"]), "Idempotency-Key": uuid.uuid4().hex})
    assert order.status_code == 201, order.text
    number = order.json()["orderNo"]

    async def intent():
        return await client.post("/v1/payments/intent", json={"orderNo": number},
                                 headers={**bearer(shopper["accessToken"]), "Idempotency-Key": number})

    intent_id = (await eventually(intent, lambda r: r.status_code in (200, 201), what="an intent")).json()["intentId"]
    sim = await client.post(f"/v1/payments/simulate/{intent_id}", json={"outcome": "succeeded"},
                            headers=bearer(shopper["accessToken"]))
    assert sim.status_code == 200, sim.text
    await eventually(lambda: client.get(f"/v1/orders/{number}", headers=bearer(shopper["accessToken"])),
                     lambda r: r.json().get("paymentStatus") == "paid", what=f"{number} paid", timeout=90)
    return number


async def test_warehouse_figures_equal_postgres_and_survive_a_replay(client, admin_token, streams_worker):
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    vendors = [await approved_vendor(client, admin_token) for _ in range(2)]
    products = [await active_product(client, admin_token, v, price_minor=1_000 + 500 * i, stock=20)
                for i, v in enumerate(vendors)]
    order_nos = [await buy(client, await new_user(client), [p["sku"] for p in products]) for _ in range(3)]
    refund = await client.post(f"/v1/admin/orders/{order_nos[0]}/refunds", json={"amountMinor": 700,
                                                                                  "reason": "damaged"},
                               headers=bearer(admin_token))
    assert refund.status_code == 201, refund.text

    expected = postgres_figures(order_nos)
    assert expected["orders"] == 3 and expected["refunds"] == 700 and len(expected["net"]) == 2
    deadline = time.monotonic() + 90
    while (got := warehouse_figures(order_nos)) != expected:
        assert time.monotonic() < deadline, f"warehouse {got} != postgres {expected}"
        await asyncio.sleep(0.5)

    replayed = await replay_all(since, ["orders", "payments"])
    assert replayed["orders"] > 0 and replayed["payments"] > 0
    bootstrap = common_settings().kafka_bootstrap_servers
    for topic in (ORDERS.name, PAYMENTS.name):
        await wait_committed(bootstrap, topic, await end_offsets(topic), timeout=90)
    assert warehouse_figures(order_nos) == expected, "a replay must not change any figure"
