"""Scheduled reports and alerts, end to end on the real stack: simulated rows in a scratch warehouse database →
the Dagster report job / alert sensor run in-process (no daemon) → `report.generated` / `alert.raised` over Kafka
(ops.v1) → the notification service's consumer (this session's gateway) → its templates → the SMTP sink.

The warehouse is shared with other sessions and the demo, so every test reads only its own scratch database (dropped
at the end); mails are matched by this run's incident ids, vendor names and report day.

The daily report test goes over Kafka only. The alert tests publish over Kafka too, and also hand the same events
to the notifications consumer by hand (the inbox makes whichever comes second a no-op): the consumer group is shared
with every other test session on the machine, and its rebalances can hold a partition for minutes.
"""
from __future__ import annotations

import asyncio
import json
import random
import string
import uuid
from datetime import date, datetime, time, timedelta, timezone

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from dagster import build_schedule_context, build_sensor_context
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from deploy.local.kafka_topics import ensure_topics_async
from kernel.contracts.topics import OPS
from kernel.events import Envelope
from kernel.settings import common_settings
from pipelines.defs.reports.daily import daily_report_job, daily_report_schedule
from pipelines.defs.reports.sensors import (fraud_rate_alert, low_stock_alert, payment_failures_alert,
                                            server_errors_alert)
from tests.integration import report_helpers as h
from tests.integration.order_events import line, order_created, order_paid
from tests.scratch_warehouse import scratch_warehouse

pytestmark = pytest.mark.timeout(300)
RUN = "".join(random.choices(string.ascii_lowercase, k=8))


@pytest.fixture(scope="session")
async def ops_topic(stack):
    """ops.v1 exists before this session's consumers subscribe (`mkt stack up` creates it on a fresh stack)."""
    await ensure_topics_async(common_settings().kafka_bootstrap_servers, [OPS])


@pytest.fixture(scope="module")
def scratch(stack):
    with scratch_warehouse(f"test_reports_{RUN}") as database:
        yield database


@pytest.fixture(scope="module")
def operator(gateway) -> str:
    return gateway.state.services["notifications"].state.settings.operator_email


def now() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture(scope="module")
def notifications(gateway):
    return gateway.state.services["notifications"]


async def tick(sensor, database: str, notifications, cursor: str | None = None,
               **thresholds) -> tuple[str, str | None]:
    """One sensor evaluation, in-process (in a thread: it publishes synchronously); (skip reason, new cursor).
    What it published is also handed to the notifications app's consumer (see the module's note)."""
    def evaluate() -> tuple[str, str | None]:
        context = build_sensor_context(cursor=cursor, resources=h.resources(database, **thresholds))
        return sensor(context).skip_message, context.cursor

    seen = len(h.PUBLISHED)
    out = await asyncio.to_thread(evaluate)
    for envelope in h.PUBLISHED[seen:]:
        await notifications.state.consumer.handle(envelope.to_json())
    return out


def incident_of(reason: str) -> str:
    assert reason.startswith("raised "), reason
    return reason.split()[1].rstrip(":")


async def operator_mail(operator: str, incident: str):
    return await h.wait_mail(lambda m: m["To"] == operator and incident in m["Subject"])


async def test_payment_failure_spike_mails_the_operator_once_per_cooldown(ops_topic, notifications, scratch, operator):
    t = now()
    h.land(scratch, [h.payment("payment.succeeded", t - timedelta(hours=5, minutes=i)) for i in range(40)]
           + [h.payment("payment.failed", t - timedelta(hours=6), "card_declined")]  # baseline 1 of 41 failed
           + [h.payment("payment.failed", t - timedelta(minutes=i % 10), "insufficient_funds" if i % 3 else
                        "card_declined") for i in range(12)]
           + [h.payment("payment.succeeded", t - timedelta(minutes=i)) for i in range(8)])
    quiet, _ = await tick(payment_failures_alert, scratch, notifications, payment_min_failures=13)
    assert quiet.startswith("12 of 20 payment attempts failed (60.0 %)"), quiet  # under the minimum: nothing

    reason, cursor = await tick(payment_failures_alert, scratch, notifications)
    first = incident_of(reason)
    mail = await operator_mail(operator, first)
    assert "Payment failures: 60.0 % failed in 15 min" in mail["Subject"]
    body = h.mail_body(mail)
    assert "Failed attempts: 12 of 20 (60.0 %)" in body and "insufficient_funds: 8" in body
    assert "Baseline, previous 24 h: 2.4 %" in body

    # the spike lasts: no second mail
    again, same = await tick(payment_failures_alert, scratch, notifications, cursor)
    assert f"incident {first} is in its cooldown" in again and same == cursor
    later = json.loads(cursor)
    later["raised_at"] = (now() - timedelta(minutes=61)).isoformat()  # the cooldown (60 min) is over
    reason, _ = await tick(payment_failures_alert, scratch, notifications, json.dumps(later))
    second = incident_of(reason)
    assert second != first and await operator_mail(operator, second)
    assert sum(first in (m["Subject"] or "") for m in h.recent_mail(h.STARTED)) == 1


async def test_low_stock_names_products_and_vendors_once_per_sku(ops_topic, notifications, scratch, operator):
    t, vendor = now(), str(uuid.uuid4())
    skus = [f"SKU-{RUN}-{i}".upper() for i in range(3)]
    h.land(scratch, [h.vendor_applied(vendor, f"Lamp Shop {RUN}", t - timedelta(days=3))]
           + [h.product_with_sku(str(uuid.uuid4()), vendor, f"Brass Lamp {i} {RUN}", sku, t - timedelta(days=2))
              for i, sku in enumerate(skus)]
           + [h.stock_adjusted(skus[0], vendor, 1, 5, t - timedelta(minutes=5)),
              h.stock_adjusted(skus[1], vendor, 0, 3, t - timedelta(minutes=4)),
              h.stock_adjusted(skus[2], vendor, 9, 3, t - timedelta(minutes=3))])  # fine: above its point
    reason, cursor = await tick(low_stock_alert, scratch, notifications)
    first = incident_of(reason)
    body = h.mail_body(await operator_mail(operator, first))
    assert f"Brass Lamp 0 {RUN} ({skus[0]}) from Lamp Shop {RUN}: 1 available, reorder point 5" in body
    assert f"Brass Lamp 1 {RUN}" in body and f"Brass Lamp 2 {RUN}" not in body and vendor not in body

    again, _ = await tick(low_stock_alert, scratch, notifications, cursor)
    assert "2 SKUs under their reorder point, 0 not reported" in again
    h.land(scratch, [h.stock_adjusted(skus[2], vendor, 2, 3, now())])
    reason, _ = await tick(low_stock_alert, scratch, notifications, cursor)
    body = h.mail_body(await operator_mail(operator, incident_of(reason)))
    assert f"Brass Lamp 2 {RUN}" in body and f"Brass Lamp 0 {RUN}" not in body


async def test_fraud_rate_rise_mails_the_operator(ops_topic, notifications, scratch, operator):
    t = now()
    h.land(scratch, [h.fraud_scored(t - timedelta(days=2, minutes=i), "review" if i < 2 else "approve")
                     for i in range(40)]  # baseline: 2 of 40 flagged (5 %)
           + [h.fraud_scored(t - timedelta(minutes=i), "approve") for i in range(15)]
           + [h.fraud_scored(t - timedelta(minutes=i), "review" if i % 2 else "reject") for i in range(10)])
    reason, _ = await tick(fraud_rate_alert, scratch, notifications)
    mail = await operator_mail(operator, incident_of(reason))
    assert "Fraud rate up: 40.0 % of orders flagged in 60 min" in mail["Subject"]
    body = h.mail_body(mail)
    assert "Flagged (review or reject): 10 of 25 scored (40.0 %)" in body and "5.0 %" in body


def failing_service() -> httpx.AsyncClient:
    async def boom(request):
        return JSONResponse({"title": "Internal error"}, status_code=500)

    app = Starlette(routes=[Route("/{path:path}", boom, methods=["GET", "POST"])])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reviews.internal")


async def server_errors_from_kafka(request_prefix: str, expected: int, start: dict) -> list[Envelope]:
    """This test's gateway.server_error events, read from ops.v1 after the offsets taken before the requests."""
    consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    found: list[Envelope] = []
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        deadline = asyncio.get_running_loop().time() + 60
        while len(found) < expected and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    env = Envelope.from_json(r.value)
                    if env.type == "gateway.server_error" and (env.trace.request_id or "").startswith(request_prefix):
                        found.append(env)
    finally:
        await consumer.stop()
    return found


async def test_gateway_5xx_burst_is_recorded_and_mails_the_operator(ops_topic, notifications, scratch, operator):
    from apps.gateway.config import GatewaySettings
    from apps.gateway.main import create_app

    partitions = [TopicPartition(OPS.name, p) for p in range(OPS.partitions)]
    probe = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers)
    await probe.start()
    start = await probe.end_offsets(partitions)
    await probe.stop()

    gateway = create_app(GatewaySettings(), upstreams={"reviews": failing_service()})
    async with gateway.router.lifespan_context(gateway):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gw") as http:
            for i in range(6):
                resp = await http.get(f"/v1/reviews/{RUN}x{i}0000", headers={"X-Request-ID": f"{RUN}-5xx-{i}"})
                assert resp.status_code == 500
            assert (await http.get("/v1/reviews/ok", headers={"X-Request-ID": f"{RUN}-5xx-ok"})).status_code == 500
        await gateway.state.server_errors.flush()  # what the background task does every 0.5 s, now
    recorded = await server_errors_from_kafka(f"{RUN}-5xx", 7, start)
    assert len(recorded) == 7 and {e.data["path"] for e in recorded} == {"/v1/reviews/*", "/v1/reviews/ok"}
    assert {e.data["service"] for e in recorded} == {"reviews"} and all(e.data["status"] == 500 for e in recorded)

    h.land(scratch, recorded)  # as the warehouse sink lands ops.v1
    reason, _ = await tick(server_errors_alert, scratch, notifications, server_errors_min=5)
    mail = await operator_mail(operator, incident_of(reason))
    assert "5xx burst: 7 server errors in 5 min" in mail["Subject"]
    assert "500 GET /v1/reviews/*: 6" in h.mail_body(mail)


async def real_vendor(client, name: str) -> tuple[str, str]:
    """A vendor the vendors service knows (notifications addresses its support email): (vendor id, email)."""
    email, support = f"owner-{uuid.uuid4().hex[:10]}@example.com", f"support-{uuid.uuid4().hex[:10]}@example.com"
    assert (await client.post("/v1/auth/register", json={"email": email, "password": "vendor-pass-1",
                                                        "name": name})).status_code == 201
    token = (await client.post("/v1/auth/login", json={"email": email, "password": "vendor-pass-1"})).json()
    resp = await client.post("/v1/vendors/apply", json={"name": name, "supportEmail": support},
                             headers={"Authorization": f"Bearer {token['accessToken']}"})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"], support


def at(envelope: Envelope, when: datetime) -> Envelope:
    return envelope.model_copy(update={"occurred_at": when})


async def test_daily_report_job_mails_known_figures(ops_topic, client, scratch, operator):
    day = date(2020, 6, 1) + timedelta(days=random.randrange(1200))  # this run's own day in the scratch warehouse
    start = datetime.combine(day, time(), tzinfo=timezone.utc)
    (a, a_mail), (b, _) = await real_vendor(client, f"Lamp Shop {RUN}"), await real_vendor(client, f"Tea House {RUN}")
    users = [str(uuid.uuid4()) for _ in range(4)]
    lines = {"o1": [line(a, qty=2, price=1500)], "o2": [line(a, price=2000), line(b, price=6000)],
             "o3": [line(b, price=4000)]}
    numbers = {k: f"TST-{RUN}-{k}".upper() for k in lines}
    events = [h.vendor_applied(a, f"Lamp Shop {RUN}", start - timedelta(days=30)),
              h.vendor_applied(b, f"Tea House {RUN}", start - timedelta(days=30))]
    for i, (k, ls) in enumerate(lines.items()):
        events.append(at(order_created(numbers[k], users[i], ls), start + timedelta(hours=9, minutes=i)))
        if k != "o3":  # o3 is never paid: not in GMV
            events.append(at(order_paid(numbers[k], users[i], ls), start + timedelta(hours=9, minutes=i + 1)))
    events += [h.envelope("product.viewed", start + timedelta(hours=8), sessionId=f"s-{u}", userId=u,
                          productId=str(uuid.uuid4())) for u in users]
    events += [h.envelope("payment.refunded", start + timedelta(hours=15), refundId=f"re_{RUN}",
                          orderNo=numbers["o2"], amountMinor=2200, currency="USD", reason="damaged", full=False),
               h.envelope("shipping.delivered", start + timedelta(hours=16), trackingNo=f"T{RUN}1",
                          orderNo=numbers["o1"], vendorId=a, deliveredAt=(start + timedelta(hours=16)).isoformat(),
                          promisedAt=(start + timedelta(days=1)).isoformat(), late=False),
               h.envelope("shipping.delivered", start + timedelta(hours=17), trackingNo=f"T{RUN}2",
                          orderNo=numbers["o2"], vendorId=b, deliveredAt=(start + timedelta(hours=17)).isoformat(),
                          promisedAt=(start - timedelta(hours=1)).isoformat(), late=True)]
    h.land(scratch, events)

    tick_at = build_schedule_context(scheduled_execution_time=start + timedelta(days=1, hours=6))
    [request] = daily_report_schedule.evaluate_tick(tick_at).run_requests
    assert request.partition_key == day.isoformat()  # the schedule reports the day before
    result = await asyncio.to_thread(daily_report_job.execute_in_process, partition_key=request.partition_key,
                                     resources=h.resources(scratch))
    assert result.success

    mail = await h.wait_mail(lambda m: m["To"] == operator and f"daily report {day}" in m["Subject"]
                             and f"Lamp Shop {RUN}" in h.mail_body(m))
    assert mail["Subject"] == f"Marketplace daily report {day}: GMV 110.00 USD, 2 orders"
    body = h.mail_body(mail)
    for figure in ("Average order value: 55.00 USD", "Conversion (buyers / viewers): 50.0 % (2 / 4)",
                   "Refund rate: 20.0 % (22.00 USD, 1 orders)", "On-time delivery: 50.0 % of 2 delivered",
                   "Vendors (2 active)",
                   f"Tea House {RUN}: 1 orders, GMV 60.00 USD, net 54.00 USD, on time 0.0 % of 1, 1 refunded",
                   f"Lamp Shop {RUN}: 2 orders, GMV 50.00 USD, net 45.00 USD, on time 100.0 % of 1, 1 refunded"):
        assert figure in body, (figure, body)
    assert a not in body and b not in body  # names, never ids

    vendor_mail = await h.wait_mail(lambda m: m["To"] == a_mail and str(day) in m["Subject"])
    assert vendor_mail["Subject"] == f"Lamp Shop {RUN}: your day {day} — 2 orders, 50.00 USD"
    vbody = h.mail_body(vendor_mail)
    assert "Commission 5.00 USD, net earnings 45.00 USD" in vbody and "Delivered: 1, on time 100.0 %" in vbody


async def test_vendor_contact_route_is_internal_only(gateway, client):
    """The lookup notifications uses to address vendor mail: behind the internal token, and never on the gateway."""
    vendor_id, support = await real_vendor(client, f"Ink Works {RUN}")
    vendors = gateway.state.services["vendors"]
    token = vendors.state.settings.internal_api_token
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=vendors), base_url="http://vendors") as http:
        path = f"/internal/v1/vendors/{vendor_id}"
        assert (await http.get(path)).status_code == 401
        assert (await http.get(path, headers={"X-Internal-Token": "wrong"})).status_code == 403
        found = await http.get(path, headers={"X-Internal-Token": token})
        assert found.status_code == 200 and found.json()["supportEmail"] == support
        assert found.json()["name"] == f"Ink Works {RUN}"
        missing = await http.get(f"/internal/v1/vendors/{uuid.uuid4()}", headers={"X-Internal-Token": token})
        assert missing.status_code == 404
    assert (await client.get(f"/internal/v1/vendors/{vendor_id}")).status_code == 404  # the gateway has no route
