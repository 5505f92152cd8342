"""/v1/admin/feature-flags through the gateway: roles, validation, audit rows, the event over Kafka, seeds.

The session's flags live in a Redis hash of its own (FEATURE_FLAGS_KEY, tests/conftest.py)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from kernel.ids import new_id_str
from kernel.settings import service_database_url
from tests.kafka_helpers import wait_for_events

BASE = "/v1/admin/feature-flags"


def bearer(gateway, *roles: str, vendor_id: str | None = None) -> dict[str, str]:
    issuer = gateway.state.services["auth"].state.issuer
    token = issuer.access_token(user_id=new_id_str(), roles=list(roles), vendor_id=vendor_id)
    return {"Authorization": f"Bearer {token}"}


def audit_and_outbox(key: str) -> tuple[list, list]:
    engine = create_engine(service_database_url("backoffice"))
    with engine.connect() as conn:
        audit = conn.execute(text("SELECT changed_by, before, after FROM feature_flag_audit WHERE flag_key = :k "
                                  "ORDER BY changed_at, id"), {"k": key}).all()
        outbox = conn.execute(text("SELECT payload FROM outbox WHERE key = :k AND event_type = 'feature_flag.changed' "
                                   "ORDER BY seq"), {"k": key}).all()
    engine.dispose()
    return audit, [r.payload for r in outbox]


def key() -> str:
    return f"t_{uuid.uuid4().hex[:10]}"


async def test_seeded_flags_are_listed(client, admin_token):
    resp = await client.get(BASE, headers={"Authorization": f"Bearer {admin_token}"})
    assert resp.status_code == 200, resp.text
    flags = {f["key"]: f for f in resp.json()["items"]}
    assert flags["reco_ab_test"]["enabled"] is False
    assert flags["reco_ab_test"]["variants"] == {"champion": 90, "challenger": 10}
    assert flags["pricing_ai"]["enabled"] is True and flags["new_checkout"]["enabled"] is False


async def test_change_is_audited_and_published(client, gateway, admin_token):
    k = key()
    admin = {"Authorization": f"Bearer {admin_token}"}
    created = await client.put(f"{BASE}/{k}", headers=admin,
                               json={"enabled": True, "rolloutPercent": 30, "variants": {"a": 1, "b": 3}})
    assert created.status_code == 200, created.text
    assert created.json()["rolloutPercent"] == 30 and created.json()["updatedBy"]
    changed = await client.put(f"{BASE}/{k}", headers=admin, json={"enabled": False, "description": "off again"})
    assert changed.status_code == 200
    got = (await client.get(f"{BASE}/{k}", headers=admin)).json()
    assert got["enabled"] is False and got["variants"] == {} and got["description"] == "off again"

    audit, events = audit_and_outbox(k)
    assert [a.before for a in audit] == [None, {"enabled": True, "rolloutPercent": 30, "variants": {"a": 1, "b": 3},
                                                 "description": ""}]
    assert audit[1].after["enabled"] is False and audit[0].changed_by == created.json()["updatedBy"]
    assert [e["data"]["before"] is None for e in events] == [True, False]
    trail = (await client.get(f"{BASE}/{k}/audit", headers=admin)).json()["items"]
    assert [t["after"]["enabled"] for t in trail] == [False, True]  # newest first
    seen = await wait_for_events("backoffice.v1", {e["eventId"] for e in events})
    mine = [e for e in seen if e["_key"] == k]
    assert [e["data"]["after"]["enabled"] for e in mine] == [True, False]


async def test_roles(client, gateway):
    k = key()
    body = {"enabled": True}
    staff, vendor, shopper = (bearer(gateway, "staff"), bearer(gateway, "vendor_admin", vendor_id=new_id_str()),
                              bearer(gateway, "customer"))
    assert (await client.get(BASE, headers=staff)).status_code == 200  # staff may read
    assert (await client.put(f"{BASE}/{k}", headers=staff, json=body)).status_code == 403
    assert (await client.get(BASE, headers=vendor)).status_code == 403
    assert (await client.get(BASE, headers=shopper)).status_code == 403
    assert (await client.get(BASE)).status_code == 401
    assert audit_and_outbox(k) == ([], [])


@pytest.mark.parametrize("path,body", [
    ("Bad Key", {"enabled": True}),
    ("ok_key", {"enabled": True, "rolloutPercent": 101}),
    ("ok_key", {"enabled": True, "variants": {"a": -1}}),
    ("ok_key", {"enabled": True, "variants": {"a": 0}}),
    ("ok_key", {"enabled": True, "variants": {"bad name": 1}}),
    ("ok_key", {"enabled": "maybe"}),
    ("ok_key", {"enabled": True, "extra": 1}),
    ("x" * 200, {"enabled": True}),
])
async def test_bad_input_is_422(client, admin_token, path, body):
    resp = await client.put(f"{BASE}/{path}", headers={"Authorization": f"Bearer {admin_token}"}, json=body)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")


async def test_missing_flag_is_404(client, admin_token):
    resp = await client.get(f"{BASE}/{key()}", headers={"Authorization": f"Bearer {admin_token}"})
    assert resp.status_code == 404
