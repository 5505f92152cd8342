"""The recommendations A/B metric (warehouse/metrics/analytics.py reco_ab_test) on a known set of events sent over the real
broker and landed by a private stream worker in the real warehouse, read through the admin analytics API.

The events carry actor type "simulator" (backfilled history): the services' consumers ignore them, only the data
platform takes them. The window is a random two hours in 2021, which no other test or world writes to."""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from kernel.contracts.registry import contract_for
from kernel.events import Actor, Envelope
from kernel.ids import new_id_str
from kernel.kafka import KafkaPublisher
from kernel.warehouse import warehouse_client
from tests.integration.order_events import line, order_created, order_no, order_paid
from tests.sim_world import private_streams_worker

SIM = Actor(type="simulator")


def envelope(event_type: str, data: dict, at: datetime) -> Envelope:
    return Envelope(type=event_type, data=contract_for(event_type).validate(data), occurred_at=at, actor=SIM)


def served(request_id: str, user: str, variant: str | None, n_items: int, at: datetime) -> tuple[str, str, Envelope]:
    items = [{"productId": new_id_str(), "score": 1.0 / (i + 1), "rank": i + 1} for i in range(n_items)]
    return ("ai.v1", user, envelope("ai.recommendation.served", {
        "requestId": request_id, "userId": user, "context": "home", "strategy": "model", "modelVersion": "3",
        "variant": variant, "items": items, "latencyMs": 2.5, "cacheHit": False, "servedAt": at}, at))


def clicked(user: str | None, product: str, request_id: str, variant: str | None,
            at: datetime) -> tuple[str, str, Envelope]:
    session = f"s-{uuid.uuid4().hex[:12]}"
    return ("clickstream.v1", session, envelope("recommendation.clicked", {
        "sessionId": session, "userId": user, "at": at, "productId": product, "position": 0, "context": "home",
        "strategy": "model", "requestId": request_id, "variant": variant}, at))


def purchase(user: str, product: str, at: datetime, *, paid: bool = True) -> list[tuple[str, str, Envelope]]:
    number, lines = order_no(), [line(new_id_str(), product)]
    created = order_created(number, user, lines)
    out = [("orders.v1", number, Envelope(type="order.created", data=created.data, occurred_at=at, actor=SIM))]
    if paid:
        out.append(("orders.v1", number, Envelope(type="order.paid", data=order_paid(number, user, lines).data,
                                                  occurred_at=at + timedelta(minutes=1), actor=SIM)))
    return out


def scenario(base: datetime) -> list[tuple[str, str, Envelope]]:
    u = {i: new_id_str() for i in range(1, 10)}
    p1, p2, p3 = new_id_str(), new_id_str(), new_id_str()
    m = lambda minutes: base + timedelta(minutes=minutes)  # noqa: E731
    events = [served(f"req0-{base:%s}", u[8], "challenger", 2, base - timedelta(hours=2))]  # before the window
    events += [served(f"req{i}-{base:%s}", u[i], "champion", 3, m(i)) for i in (1, 2, 3, 4)]
    events += [served(f"req{i}-{base:%s}", u[i], "challenger", 2, m(i)) for i in (5, 6)]
    events += [served(f"req7-{base:%s}", u[7], None, 4, m(7))]
    events += [
        clicked(u[1], p1, f"req1-{base:%s}", "champion", m(30)),
        clicked(u[2], p2, f"req2-{base:%s}", "champion", m(40)),
        clicked(u[5], p3, f"req5-{base:%s}", "champion", m(50)),  # the server said challenger: that wins
        clicked(u[9], p1, "unknown-request", "challenger", m(55)),  # unknown request: the storefront's variant
        clicked(u[8], p2, f"req0-{base:%s}", None, m(60)),  # served before the window, clicked inside it
        clicked(None, p1, f"req7-{base:%s}", None, m(70)),  # anonymous
        clicked(u[3], p3, "", None, m(80)),  # neither request nor variant: unattributed, no impressions
    ]
    events += purchase(u[1], p1, m(30 + 600))  # 10 h after the click: converts (champion)
    events += purchase(u[2], p2, m(5))  # before the click: does not
    events += purchase(u[2], p2, m(40 + 30 * 60))  # 30 h after: does not
    events += purchase(u[5], p3, m(110), paid=False)  # never paid: does not
    events += purchase(u[3], p1, m(20))  # bought without a click
    events += purchase(u[8], p2, m(180))  # 2 h after the click on an older response: converts (challenger)
    return events


async def publish(events: list[tuple[str, str, Envelope]]) -> None:
    publisher = KafkaPublisher()
    try:
        errors = await publisher.send_many([(topic, key, env.to_json()) for topic, key, env in events])
        assert not any(errors), errors
    finally:
        await publisher.close()


@pytest.fixture(scope="module")
def landed(stack, tmp_path_factory):
    rng = random.Random()
    base = datetime(2021, 1, 1, tzinfo=timezone.utc) + timedelta(days=rng.randrange(1, 330),
                                                                 minutes=rng.randrange(0, 1200))
    events = scenario(base)
    ids = [env.event_id for _, _, env in events]
    with private_streams_worker(tmp_path_factory.mktemp("reco-ab") / "worker.log"):
        asyncio.run(publish(events))
        deadline = time.monotonic() + 90
        while True:
            n = warehouse_client().query("SELECT uniqExact(event_id) FROM events WHERE event_id IN {ids:Array(UUID)}",
                                         parameters={"ids": ids}).result_rows[0][0]
            if n == len(ids):
                break
            assert time.monotonic() < deadline, f"{n} of {len(ids)} events landed"
            time.sleep(1.0)
    return base


async def test_ctr_and_conversion_per_variant(client, admin_token, landed):
    params = {"since": landed.isoformat(), "until": (landed + timedelta(hours=2)).isoformat()}
    resp = await client.get("/v1/admin/analytics/reco_ab_test", params=params,
                            headers={"Authorization": f"Bearer {admin_token}"})
    assert resp.status_code == 200, resp.text
    rows = {r["variant"]: r for r in resp.json()["rows"]}
    pick = ("served", "shoppers", "items_served", "clicks", "ctr", "conversions", "conversion_rate",
            "conversions_per_served")
    assert {v: [r[k] for k in pick] for v, r in rows.items()} == {
        "champion": [4, 4, 12, 2, 0.5, 1, 0.5, 0.25],
        "challenger": [2, 2, 4, 3, 1.5, 1, 0.3333, 0.5],
        "none": [1, 1, 4, 1, 1.0, 0, 0.0, 0.0],
        "unattributed": [0, 0, 0, 1, None, 0, 0.0, None],
    }


async def test_storefront_click_carries_request_and_variant(client, customer):
    from tests.integration.test_tracking_and_analytics import outbox_for

    sid = f"s-{uuid.uuid4().hex[:16]}"
    body = {"sessionId": sid, "events": [{"type": "recommendation.clicked", "productId": new_id_str(),
                                          "requestId": new_id_str(), "variant": "challenger", "strategy": "model",
                                          "position": 2, "context": "category"}]}
    resp = await client.post("/v1/events/track", json=body,
                             headers={"Authorization": f"Bearer {customer['accessToken']}"})
    assert resp.status_code == 202, resp.text
    data = outbox_for(sid)[0].payload["data"]
    assert data["variant"] == "challenger" and data["requestId"] == body["events"][0]["requestId"]
    assert data["userId"] == customer["userId"]  # the token decides who clicked
