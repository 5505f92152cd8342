"""Profiles through the gateway against the real PostgreSQL and Kafka: /v1/me and the address book."""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from kernel.contracts.topics import PROFILES
from kernel.db import sync_url
from kernel.ids import new_id_str
from kernel.settings import common_settings, service_database_url
from tests.conftest import unique_email
from tests.integration.conftest import login

HOME = {"label": "Home", "line1": "1 Main St", "line2": "Apt 4", "city": "Springfield", "state": "IL",
        "postalCode": "62701", "country": "US"}


def _auth(user: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {user['accessToken']}"}


async def _new_customer(client) -> dict:
    email, password = unique_email("shopper"), "shopper-pass-1"
    resp = await client.post("/v1/auth/register", json={"email": email, "password": password})
    assert resp.status_code == 201, resp.text
    return {"userId": resp.json()["userId"], **await login(client, email, password)}


async def _add(client, user: dict, **overrides) -> dict:
    resp = await client.post("/v1/me/addresses", json={**HOME, **overrides}, headers=_auth(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


async def _book(client, user: dict) -> list[dict]:
    resp = await client.get("/v1/me/addresses", headers=_auth(user))
    assert resp.status_code == 200, resp.text
    assert resp.json()["total"] == len(resp.json()["items"])
    return resp.json()["items"]


async def _user_events(user_id: str, wanted: set[str], timeout: float = 20.0) -> list[dict]:
    """This user's envelopes on profiles.v1 (from the beginning) once every type in `wanted` has arrived."""
    consumer = AIOKafkaConsumer(PROFILES.name, bootstrap_servers=common_settings().kafka_bootstrap_servers,
                                group_id=None, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    mine: list[dict] = []
    deadline = time.monotonic() + timeout
    try:
        while not wanted <= {e["type"] for e in mine} and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                envelopes = (json.loads(r.value) for r in records)
                mine.extend(e for e in envelopes if e["data"].get("userId") == user_id)
    finally:
        await consumer.stop()
    assert wanted <= {e["type"] for e in mine}, f"missing {wanted - {e['type'] for e in mine}}"
    return mine


async def test_me_requires_a_token(client):
    for method, path in (("GET", "/v1/me"), ("PATCH", "/v1/me"), ("GET", "/v1/me/addresses")):
        resp = await client.request(method, path)
        assert resp.status_code == 401 and resp.headers["content-type"].startswith("application/problem+json")
    forged = await client.get("/v1/me", headers={"Authorization": "Bearer not-a-jwt"})
    assert forged.status_code == 401


async def test_first_access_creates_the_profile_with_token_roles(client, customer):
    first, again = await asyncio.gather(client.get("/v1/me", headers=_auth(customer)),
                                        client.get("/v1/me", headers=_auth(customer)))
    assert first.status_code == again.status_code == 200, first.text
    me = first.json()
    assert me["userId"] == customer["userId"] and me["roles"] == ["customer"] and me["vendorId"] is None
    assert me["marketingOptIn"] is False and me["name"] is None and me["createdAt"] == again.json()["createdAt"]
    events = await _user_events(customer["userId"], {"profile.created"})
    assert [e["type"] for e in events].count("profile.created") == 1  # concurrent first reads, one row


async def test_patch_me_and_read_back_without_pii_in_events(client, customer):
    body = {"name": "Ada Lovelace", "phone": "+44 20 7946 0958", "dob": "1990-12-10", "marketingOptIn": True}
    resp = await client.patch("/v1/me", json=body, headers=_auth(customer))
    assert resp.status_code == 200, resp.text
    me = (await client.get("/v1/me", headers=_auth(customer))).json()
    assert (me["name"], me["phone"], me["dob"], me["marketingOptIn"]) == (
        "Ada Lovelace", "+442079460958", "1990-12-10", True)
    assert me["updatedAt"] >= me["createdAt"]
    cleared = await client.patch("/v1/me", json={"phone": None}, headers=_auth(customer))
    assert cleared.status_code == 200 and cleared.json()["phone"] is None

    events = await _user_events(customer["userId"], {"profile.updated"})
    first_update = next(e for e in events if e["type"] == "profile.updated")
    assert sorted(first_update["data"]["changedFields"]) == ["dob", "marketingOptIn", "name", "phone"]
    assert "Lovelace" not in json.dumps(events) and "+442079460958" not in json.dumps(events)


async def test_invalid_profile_input_is_422_problem_json(client, customer):
    cases = [("phone", "555-0123"), ("phone", "+1 415 CALL-NOW"), ("dob", "2999-01-01"), ("dob", "1899-12-31"),
             ("dob", "10/12/1990"), ("marketingOptIn", "maybe"), ("name", "x" * 201), ("email", "x@example.com")]
    for field, value in cases:
        resp = await client.patch("/v1/me", json={field: value}, headers=_auth(customer))
        assert resp.status_code == 422, (field, resp.text)
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert resp.json()["errors"][0]["field"] == field


async def test_address_crud_and_validation(client, customer):
    created = await _add(client, customer, isDefault=False)
    assert created["isDefault"] is True  # the first address is the default whatever was asked
    assert {k: created[k] for k in HOME} == HOME
    work = await _add(client, customer, label="Work", line1="2 Office Rd", line2=None, country="de")
    assert work["country"] == "DE" and work["isDefault"] is False

    patched = await client.patch(f"/v1/me/addresses/{work['id']}", json={"city": "Berlin", "postalCode": None},
                                 headers=_auth(customer))
    assert patched.status_code == 200 and patched.json()["city"] == "Berlin" and patched.json()["postalCode"] is None
    assert [a["id"] for a in await _book(client, customer)] == [created["id"], work["id"]]  # default first

    for bad in ({**HOME, "country": "XX"}, {**HOME, "country": "USA"}, {**HOME, "line1": ""},
                {**HOME, "city": "c" * 101}, {**HOME, "street": "extra"}, {"line1": "only"}):
        assert (await client.post("/v1/me/addresses", json=bad, headers=_auth(customer))).status_code == 422, bad
    bad_patch = await client.patch(f"/v1/me/addresses/{work['id']}", json={"country": None}, headers=_auth(customer))
    assert bad_patch.status_code == 422
    unset = await client.patch(f"/v1/me/addresses/{created['id']}", json={"isDefault": False},
                               headers=_auth(customer))
    assert unset.status_code == 409  # the default moves by choosing another, not by unsetting it

    deleted = await client.delete(f"/v1/me/addresses/{work['id']}", headers=_auth(customer))
    assert deleted.status_code == 204
    assert [a["id"] for a in await _book(client, customer)] == [created["id"]]
    again = await client.delete(f"/v1/me/addresses/{work['id']}", headers=_auth(customer))
    assert again.status_code == 404
    for junk in ("not-a-uuid", "1", "x" * 500):
        assert (await client.delete(f"/v1/me/addresses/{junk}", headers=_auth(customer))).status_code == 404


async def test_concurrent_new_defaults_leave_exactly_one(client, customer):
    await _add(client, customer)
    results = await asyncio.gather(*(client.post("/v1/me/addresses", json={**HOME, "line1": f"{i} Race Rd",
                                                                           "isDefault": True},
                                                 headers=_auth(customer)) for i in range(5)))
    assert [r.status_code for r in results] == [201] * 5
    book = await _book(client, customer)
    defaults = [a for a in book if a["isDefault"]]
    assert len(book) == 6 and len(defaults) == 1
    assert defaults[0]["id"] in {r.json()["id"] for r in results}


async def test_phone_and_street_lines_are_encrypted_at_rest(client, customer):
    """The API reads them back; the database (a dump, a replica, a backup) holds only ciphertext."""
    patched = await client.patch("/v1/me", json={"phone": "+44 20 7946 0111"}, headers=_auth(customer))
    assert patched.status_code == 200
    added = await _add(client, customer, line1="221B Baker Street", line2="Second floor")
    assert (added["line1"], added["line2"]) == ("221B Baker Street", "Second floor")
    assert (await client.get("/v1/me", headers=_auth(customer))).json()["phone"] == "+442079460111"
    engine = create_engine(sync_url(service_database_url("profiles")))
    try:
        with engine.connect() as conn:
            phone = conn.execute(text("SELECT phone FROM profiles WHERE user_id = :u"),
                                 {"u": customer["userId"]}).scalar_one()
            line1, line2, city = conn.execute(text("SELECT line1, line2, city FROM addresses WHERE id = :i"),
                                              {"i": added["id"]}).one()
    finally:
        engine.dispose()
    for stored in (phone, line1, line2):
        assert stored.startswith("f1:") and "7946" not in stored and "Baker" not in stored and "floor" not in stored
    assert line1 != line2 and city == HOME["city"]  # the city stays readable (shipping zones, analytics)


def test_the_database_itself_refuses_a_second_default(stack):
    """The rule holds even for code that skips the service's lock: a partial unique index, not a convention."""
    engine = create_engine(sync_url(service_database_url("profiles")))
    user_id = new_id_str()
    insert = text("INSERT INTO addresses (id, user_id, line1, city, country, is_default) "
                  "VALUES (:id, :user_id, '1 Main St', 'Springfield', 'US', :is_default)")
    try:
        with engine.connect() as conn, conn.begin() as tx:
            conn.execute(text("INSERT INTO profiles (user_id) VALUES (:u)"), {"u": user_id})
            conn.execute(insert, {"id": new_id_str(), "user_id": user_id, "is_default": False})
            conn.execute(insert, {"id": new_id_str(), "user_id": user_id, "is_default": True})
            with pytest.raises(IntegrityError, match="uq_addresses_user_id_default"):
                conn.execute(insert, {"id": new_id_str(), "user_id": user_id, "is_default": True})
            tx.rollback()
    finally:
        engine.dispose()


async def test_setting_a_new_default_unsets_the_previous_one(client, customer):
    home, work = await _add(client, customer), await _add(client, customer, label="Work")
    resp = await client.patch(f"/v1/me/addresses/{work['id']}", json={"isDefault": True}, headers=_auth(customer))
    assert resp.status_code == 200 and resp.json()["isDefault"] is True
    assert {a["id"]: a["isDefault"] for a in await _book(client, customer)} == {home["id"]: False, work["id"]: True}


async def test_another_customers_address_is_404(client, customer):
    mine = await _add(client, customer)
    other = await _new_customer(client)
    assert (await client.patch(f"/v1/me/addresses/{mine['id']}", json={"city": "Elsewhere"},
                               headers=_auth(other))).status_code == 404
    assert (await client.delete(f"/v1/me/addresses/{mine['id']}", headers=_auth(other))).status_code == 404
    assert await _book(client, other) == []
    assert (await _book(client, customer))[0]["city"] == HOME["city"]


async def test_deleting_the_default_promotes_the_most_recent_remaining(client, customer):
    first = await _add(client, customer, label="First")
    second = await _add(client, customer, label="Second")
    third = await _add(client, customer, label="Third")
    assert (await client.delete(f"/v1/me/addresses/{first['id']}", headers=_auth(customer))).status_code == 204
    book = {a["id"]: a["isDefault"] for a in await _book(client, customer)}
    assert book == {second["id"]: False, third["id"]: True}

    events = await _user_events(customer["userId"], {"address.created", "address.deleted", "address.updated"})
    deleted = next(e["data"] for e in events if e["type"] == "address.deleted")
    assert deleted == {**deleted, "addressId": first["id"], "country": "US", "wasDefault": True}
    promoted = next(e["data"] for e in events if e["type"] == "address.updated")
    assert promoted["addressId"] == third["id"] and promoted["changedFields"] == ["isDefault"]
    created = next(e["data"] for e in events if e["type"] == "address.created")
    assert created["postalPrefix"] == "627" and HOME["line1"] not in json.dumps(events)


async def test_address_cap_is_409(client, customer, gateway):
    limit = gateway.state.services["profiles"].state.settings.max_addresses_per_user
    await asyncio.gather(*(_add(client, customer, line1=f"{i} Cap St") for i in range(limit)))
    over = await client.post("/v1/me/addresses", json=HOME, headers=_auth(customer))
    assert over.status_code == 409 and over.headers["content-type"].startswith("application/problem+json")
    assert len(await _book(client, customer)) == limit
