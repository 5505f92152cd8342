"""Clickstream ingest (POST /v1/events/track) and the analytics endpoints, through the gateway."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from kernel.settings import service_database_url
from warehouse.metrics.analytics import METRICS, vendor_metrics


def outbox_for(session_id: str) -> list:
    engine = create_engine(service_database_url("tracking"))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT event_type, payload FROM outbox WHERE key = :k ORDER BY seq"),
                            {"k": session_id}).all()
    engine.dispose()
    return rows


def session() -> str:
    return f"s-{uuid.uuid4().hex[:16]}"


async def test_anonymous_and_signed_in_batches_are_published(client, customer):
    sid = session()
    body = {"sessionId": sid, "deviceId": "dev-1", "events": [
        {"type": "product.viewed", "productId": "p-1", "sku": "SKU-1", "source": "search", "position": 2},
        {"type": "search.performed", "query": "blue mug", "resultsCount": 12}]}
    resp = await client.post("/v1/events/track", json=body)
    assert resp.status_code == 202 and resp.json() == {"accepted": 2}
    rows = outbox_for(sid)
    assert [r.event_type for r in rows] == ["product.viewed", "search.performed"]
    assert rows[0].payload["data"]["userId"] is None and rows[0].payload["data"]["deviceId"] == "dev-1"

    sid2 = session()
    forged = {"sessionId": sid2, "events": [{"type": "cart.viewed", "userId": "someone-else", "itemCount": 1}]}
    resp = await client.post("/v1/events/track", json=forged,
                             headers={"Authorization": f"Bearer {customer['accessToken']}"})
    assert resp.status_code == 202
    assert outbox_for(sid2)[0].payload["data"]["userId"] == customer["userId"]  # the token decides, not the body


@pytest.mark.parametrize("events,field", [
    ([{"type": "order.paid"}], "events.0.type"),
    ([{"type": "product.viewed"}], "events.0.productId"),
    ([{"type": "search.performed", "query": "x" * 500}], "events.0.query"),
    ([{"type": "product.viewed", "productId": "p", "occurredAt": "2001-01-01T00:00:00Z"}], "events.0.occurredAt"),
    ([{"type": "cart.viewed"}] * 101, "events"),
])
async def test_invalid_batches_are_refused_whole(client, events, field):
    sid = session()
    resp = await client.post("/v1/events/track", json={"sessionId": sid, "events": events})
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"].startswith(field) for e in resp.json()["errors"]), resp.json()["errors"]
    assert outbox_for(sid) == []


async def test_admin_analytics_answer_every_metric(client, admin_token, customer):
    headers = {"Authorization": f"Bearer {admin_token}"}
    assert (await client.get("/v1/admin/analytics/summary",
                             headers={"Authorization": f"Bearer {customer['accessToken']}"})).status_code == 403
    listed = (await client.get("/v1/admin/analytics", headers=headers)).json()["metrics"]
    assert {m["name"] for m in listed} == set(METRICS)
    for name in METRICS:
        resp = await client.get(f"/v1/admin/analytics/{name}", params={"days": 90}, headers=headers)
        assert resp.status_code == 200, (name, resp.text)
        body = resp.json()
        assert body["metric"] == name and body["columns"] and isinstance(body["rows"], list)
    assert (await client.get("/v1/admin/analytics/nope", headers=headers)).status_code == 404
    since = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    until = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()
    assert (await client.get("/v1/admin/analytics/gmv", params={"since": since, "until": until},
                             headers=headers)).status_code == 422


async def test_vendor_slice_is_fenced(client, admin_token, customer):
    vendor_id = str(uuid.uuid4())
    resp = await client.get(f"/v1/vendors/{vendor_id}/analytics/summary",
                            headers={"Authorization": f"Bearer {customer['accessToken']}"})
    assert resp.status_code == 403
    admin = await client.get(f"/v1/vendors/{vendor_id}/analytics/summary",
                             headers={"Authorization": f"Bearer {admin_token}"})
    assert admin.status_code == 200 and admin.json()["vendorId"] == vendor_id
    assert set(vendor_metrics()) < set(METRICS)
