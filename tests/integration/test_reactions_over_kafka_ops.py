"""Reactions to operational events, over the real broker: an alert a Dagster sensor raises and a report the daily job
generates (pipelines publish straight to Kafka, ops.v1: no outbox), a payout an admin processes, and the risk team's
decision on an order held for review. Nothing is handed to a consumer by hand: the pipelines' own code publishes,
the services' own relays publish the rest, and each reaction is proven by the consuming service's inbox row for
this flow's event (it commits with the handler's effect) plus the effect itself.

Preconditions no public API can cause in a test's time are set up directly, each said where it is done: the
warehouse rows the sensor and the job read (a scratch warehouse database, as tests/integration/test_reports_alerts.py
does), an earning's hold date (days of clock), and the fraud hold (serving scores in shadow mode in test sessions).
"""
from __future__ import annotations

import asyncio
import random
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text, update

from apps.notifications.orm import Message
from apps.payments.orm import Earning
from apps.payments.sweeper import sweep_app
from pipelines.defs.reports.daily import daily_report_job
from pipelines.defs.reports.sensors import fraud_rate_alert
from simulator.api import call, eventually, ok
from simulator.flows import active_product, add_to_cart, approved_vendor, new_user, tag
from tests.integration import report_helpers as h
from tests.integration.fraud_helpers import FOREIGN_IP, MEDIUM, FixedChampions, rescore, trained_model
from tests.integration.orders_helpers import ORDER_BODY
from tests.integration.reactions_bus import assert_reactions, bus, started  # noqa: F401 - bus is a fixture
# A scratch warehouse database of the module's own (dropped at its end), and ops.v1 made sure of
from tests.integration.test_reports_alerts import ops_topic, scratch  # noqa: F401 - fixtures
from tests.kafka_helpers import wait_inbox

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
async def shop(bus, admin_token) -> dict:
    """An approved vendor with one active product priced in the test fraud model's review band (fraud_helpers)."""
    vendor = await approved_vendor(bus, admin_token)
    product = await active_product(bus, admin_token, vendor, price_minor=MEDIUM, stock=20)
    return {"vendor": vendor, "product": product}


async def _placed_order(bus, shop: dict, prefix: str, headers: dict | None = None) -> tuple[dict, str]:
    """A new shopper's order of one unit; placing waits for cart and orders to know the product and vendor."""
    shopper = await new_user(bus, prefix)
    await add_to_cart(bus, shopper, shop["product"]["sku"], 1)
    placed = await eventually(
        lambda: call(bus, "POST", "/v1/orders", token=shopper["accessToken"], json=ORDER_BODY,
                     headers={"Idempotency-Key": uuid.uuid4().hex, **(headers or {})}),
        lambda r: r.status_code == 201, what="orders to accept the order")
    return shopper, placed.json()["orderNo"]


async def _queued(gateway, since: datetime, **where) -> list[Message]:
    """The notification service's messages created since `since` with these column values."""
    app = gateway.state.services["notifications"]
    async with app.state.db.sessions() as session:
        return list((await session.scalars(select(Message).filter_by(**where)
                                           .where(Message.created_at >= since))).all())


def _published_by(run) -> list:
    """Run a sensor tick or job in a thread (they publish synchronously); the envelopes it published to Kafka."""
    seen = len(h.PUBLISHED)
    run()
    return h.PUBLISHED[seen:]


@pytest.mark.reaction("notifications", "alert.raised")
async def test_alert_sensor_alert_reaches_notifications_over_kafka(gateway, bus, ops_topic, scratch):
    """The fraud-rate sensor's own tick over landed warehouse rows publishes alert.raised; notifications queues the
    operator's alert mail from it."""
    since = started()
    t = datetime.now(timezone.utc)
    h.land(scratch, [h.fraud_scored(t - timedelta(days=2, minutes=i), "approve") for i in range(40)]
           + [h.fraud_scored(t - timedelta(minutes=i), "review" if i % 2 else "approve") for i in range(24)])
    outcome: dict = {}

    def tick() -> None:
        from dagster import build_sensor_context
        outcome["reason"] = fraud_rate_alert(build_sensor_context(resources=h.resources(scratch))).skip_message

    [raised] = await asyncio.to_thread(_published_by, tick)
    assert raised.type == "alert.raised" and outcome["reason"].startswith("raised "), outcome
    incident = raised.data["incidentId"]
    assert await wait_inbox(gateway, "notifications", [raised.event_id]) == raised.event_id
    [message] = await _queued(gateway, since, reference=incident, source_event_type="alert.raised")
    assert message.template_key == "alert_fraud_rate" and message.recipient_kind == "email"
    assert message.recipient_ref == gateway.state.services["notifications"].state.settings.operator_email


@pytest.mark.reaction("notifications", "report.generated")
async def test_daily_report_reaches_notifications_over_kafka(gateway, bus, ops_topic, scratch):
    """The daily report job, run in-process for a day of its own in the scratch warehouse (no activity: the
    executive summary alone), publishes report.generated; notifications queues the operator's summary."""
    since = started()
    # A partition before test_reports_alerts' days (2020-06-01 on), so no other test's report shares its reference.
    day = date(2020, 1, 1) + timedelta(days=random.randrange(150))

    def run() -> None:
        assert daily_report_job.execute_in_process(partition_key=day.isoformat(),
                                                   resources=h.resources(scratch)).success

    [report] = await asyncio.to_thread(_published_by, run)
    assert (report.type, report.data["audience"], report.data["reportDate"]) == ("report.generated", "operator",
                                                                                day.isoformat())
    assert await wait_inbox(gateway, "notifications", [report.event_id]) == report.event_id
    queued = await _queued(gateway, since, reference=f"daily_summary:{day.isoformat()}",
                           source_event_type="report.generated")
    assert [m.template_key for m in queued] == ["daily_summary"] and queued[0].payload["orders"] == 0


@pytest.mark.reaction("notifications", "payout.processed")
async def test_processed_payout_reaches_notifications_over_kafka(request, gateway, bus, shop, admin_token):
    """A paid order gives the vendor an earning (payments ← order.paid, over Kafka). Its hold runs until the return
    window after delivery has passed (days of clock): setup moves the earning's eligible_at into the past in the
    payments database and runs the payments sweeper once (the code its background task runs). Then the vendor asks
    for a payout and an admin processes it through the public API."""
    since = started()
    vendor = shop["vendor"]
    shopper, number = await _placed_order(bus, shop, "rx-payout")
    intent = await eventually(
        lambda: call(bus, "POST", "/v1/payments/intent", token=shopper["accessToken"], json={"orderNo": number},
                     headers={"Idempotency-Key": uuid.uuid4().hex}),
        lambda r: r.status_code == 201, what="payments to know the order")
    ok(await call(bus, "POST", f"/v1/payments/simulate/{intent.json()['intentId']}", token=shopper["accessToken"],
                  json={"outcome": "succeeded"}), 200)
    earnings = f"/v1/vendors/{vendor['id']}/earnings"
    await eventually(lambda: call(bus, "GET", earnings, token=vendor["token"]),
                     lambda r: any(i["orderNo"] == number for i in r.json().get("items", [])),
                     what="payments to record the earning (order.paid)")

    payments = gateway.state.services["payments"]
    async with payments.state.db.sessions() as session:  # setup: the hold period is over
        await session.execute(update(Earning).where(Earning.order_no == number).values(
            eligible_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
        await session.commit()
    await sweep_app(payments)
    available = ok(await call(bus, "GET", earnings, token=vendor["token"]), 200)["availableMinor"]
    assert available > 0

    payout = ok(await call(bus, "POST", f"/v1/vendors/{vendor['id']}/payout-request", token=vendor["token"],
                           json={"amountMinor": available, "currency": "USD"},
                           headers={"Idempotency-Key": uuid.uuid4().hex}), 201)
    ok(await call(bus, "PATCH", f"/v1/admin/payouts/{payout['payoutId']}", token=admin_token,
                  json={"status": "paid"}), 200)

    await assert_reactions(request, gateway, since, [payout["payoutId"]])
    [message] = await _queued(gateway, since, reference=payout["payoutId"], source_event_type="payout.processed")
    assert (message.template_key, message.recipient_ref, message.payload["status"]) == (
        "payout_processed", vendor["id"], "paid")


async def _fraud_state(gateway, number: str) -> tuple:
    """(orders' fraud_hold, fraud_decision, status; payments' fraud flag) for the order."""
    orders, payments = gateway.state.services["orders"], gateway.state.services["payments"]
    async with orders.state.db.engine.connect() as conn:
        hold, decision, status = (await conn.execute(text(
            "SELECT fraud_hold, fraud_decision, status FROM orders WHERE order_no = :o"), {"o": number})).one()
    async with payments.state.db.engine.connect() as conn:
        flag = (await conn.execute(text("SELECT status FROM fraud_flags WHERE order_no = :o"),
                                   {"o": number})).scalar()
    return hold, decision, status, flag


@pytest.mark.reaction("orders", "fraud.review.decided")
@pytest.mark.reaction("payments", "fraud.review.decided")
async def test_risk_team_decision_reaches_orders_and_payments_over_kafka(request, gateway, bus, shop, admin_token):
    """Setup of the hold: test sessions score in shadow mode, so once serving has projected the order
    (order.created, over Kafka) it is scored again, enforced, with a real fraud model trained here that puts this
    order (mid-priced, from a foreign IP) in review — fraud_helpers.rescore, what enforce mode does on its own. Its
    fraud.decided travels over Kafka and orders and payments hold the order. Then the risk team approves it through
    the public decision route: orders releases the hold and payments lets the shopper pay."""
    shopper, number = await _placed_order(bus, shop, "rx-fraud", headers={"CF-IPCountry": FOREIGN_IP})
    serving = gateway.state.services["serving"]

    async def projected() -> bool:
        async with serving.state.db.engine.connect() as conn:
            return (await conn.execute(text("SELECT 1 FROM ai_fraud_orders WHERE order_no = :o"),
                                       {"o": number})).scalar() is not None

    await eventually(projected, bool, what="serving to project the order (order.created)")
    model = await asyncio.to_thread(trained_model)
    assert (await rescore(gateway, number, FixedChampions(model))).decision == "review"
    await eventually(lambda: _fraud_state(gateway, number), lambda s: s[0] and s[3] == "hold",
                     what="orders and payments to hold the order (fraud.decided)", timeout=60)

    since = started()
    decided = ok(await call(bus, "PATCH", f"/v1/admin/fraud/{number}", token=admin_token,
                            json={"decision": "approve", "note": f"known customer {tag()}"}), 200)
    assert (decided["decision"], decided["previousDecision"]) == ("approve", "review")
    await assert_reactions(request, gateway, since, [number])
    hold, decision, status, flag = await _fraud_state(gateway, number)
    assert (hold, decision, status, flag) == (False, "approve", "unfulfilled", "released")
    ok(await call(bus, "POST", "/v1/payments/intent", token=shopper["accessToken"], json={"orderNo": number},
                  headers={"Idempotency-Key": uuid.uuid4().hex}), 201)
