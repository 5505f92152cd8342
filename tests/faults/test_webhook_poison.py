"""Provider webhook deliveries that keep failing land in a poison queue an operator can inspect and replay.

The fault: a trigger on the private cluster's `payments` table makes recording a capture fail (as a broken ledger
would). Three deliveries of the same signed payment_intent.succeeded fail (the provider's retries) and roll back
whole; `mkt payments webhook-failures` lists the event with 3 attempts; once the fault is gone,
`mkt payments webhook-replay --all` handles it: the order is paid once, the queue is empty, the warehouse matches."""
from __future__ import annotations

import uuid

import httpx
import pytest

from benchmarks.purchase_flow import ADDRESS, webhook_body
from simulator.api import bearer

pytestmark = pytest.mark.timeout(300)
BREAK = """
CREATE OR REPLACE FUNCTION drill_refuse_payment() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'drill: the payments ledger refuses writes' USING ERRCODE = 'lock_not_available'; END $$ LANGUAGE plpgsql;
CREATE TRIGGER drill_refuse_payment BEFORE INSERT ON payments FOR EACH ROW EXECUTE FUNCTION drill_refuse_payment();
"""
HEAL = "DROP TRIGGER drill_refuse_payment ON payments; DROP FUNCTION drill_refuse_payment();"


async def test_failing_webhook_is_parked_then_replayed(fault_env):
    env = fault_env
    buyer = env.buyers[-1]
    async with httpx.AsyncClient(base_url=env.base, timeout=30) as http:
        auth = bearer(buyer["accessToken"])
        assert (await http.post("/v1/cart/items", json={"sku": env.skus[0], "qty": 1}, headers=auth)).status_code in (200, 201)
        order = (await http.post("/v1/orders", json={"shippingAddress": ADDRESS, "shippingMethod": "standard"},
                                 headers={**auth, "Idempotency-Key": uuid.uuid4().hex})).json()
        intent = (await http.post("/v1/payments/intent", json={"orderNo": order["orderNo"]},
                                  headers={**auth, "Idempotency-Key": uuid.uuid4().hex})).json()
        payload, headers = webhook_body(intent)
        with env.pg("payments") as c:
            c.execute(BREAK)
        try:
            answers = [await http.post("/v1/payments/webhook", content=payload, headers=headers) for _ in range(3)]
        finally:
            with env.pg("payments") as c:
                c.execute(HEAL)
        assert all(a.status_code == 503 and a.headers["content-type"].startswith("application/problem+json")
                   for a in answers), [(a.status_code, a.text[:200]) for a in answers]
        with env.pg("orders") as c:
            assert c.execute("SELECT payment_status FROM orders WHERE order_no = %s",
                             (order["orderNo"],)).fetchone()[0] == "pending"
        listed = env.stack.run_tool("payments", "webhook-failures")
        with env.pg("payments") as c:
            attempts = c.execute("SELECT attempts FROM webhook_failures WHERE event_id = %s",
                                 (intent_event_id := __import__("json").loads(payload)["id"],)).fetchone()
        assert attempts == (3,) and intent_event_id in listed, listed
        replayed = env.stack.run_tool("payments", "webhook-replay", "--all")
        assert "succeeded" in replayed, replayed
        assert "no failed webhook deliveries" in env.stack.run_tool("payments", "webhook-failures")
        again = await http.post("/v1/payments/webhook", content=payload, headers=headers)  # the provider's retry
        assert again.status_code == 200 and again.json()["duplicate"] is True
    with env.pg("orders") as c:
        from deploy.local.scratch import wait_for

        wait_for(lambda: c.execute("SELECT payment_status FROM orders WHERE order_no = %s",
                                   (order["orderNo"],)).fetchone()[0] == "paid", 60, "the order to be paid")
    with env.pg("payments") as c:
        assert c.execute("SELECT count(*) FROM payments WHERE order_no = %s", (order["orderNo"],)).fetchone()[0] == 1
    after = env.wait_balanced(timeout=120)
    print(f"webhook poison queue: 3 failed deliveries parked, replayed once; books {after.line()}")
