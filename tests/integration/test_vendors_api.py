"""Vendor onboarding through the gateway against the real stack: apply → approve → the owner's refreshed token
carries vendorId and vendor_admin (vendors outbox → Kafka → auth's consumer), status rules, private bank data."""
from __future__ import annotations

import asyncio
import time

import jwt
import pytest
from sqlalchemy import create_engine, text

from kernel.db import sync_url
from kernel.settings import service_database_url
from tests.conftest import unique_email
from tests.integration.conftest import login

IBAN = "GB82 WEST 1234 5698 7654 32"
PLAIN_IBAN = IBAN.replace(" ", "")
UNKNOWN_ID = "0190a0a0-0000-7000-8000-000000000000"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def new_user(client, prefix: str = "owner") -> dict:
    email, password = unique_email(prefix), "owner-pass-1"
    resp = await client.post("/v1/auth/register", json={"email": email, "password": password})
    assert resp.status_code == 201, resp.text
    tokens = await login(client, email, password)
    return {"email": email, "password": password, "userId": resp.json()["userId"], **tokens}


async def apply(client, user: dict, name: str | None = None) -> dict:
    resp = await client.post("/v1/vendors/apply", headers=bearer(user["accessToken"]),
                             json={"name": name or f"Shop {user['userId'][-6:]}", "supportEmail": user["email"]})
    assert resp.status_code == 201, resp.text
    return resp.json()


async def set_status(client, admin_token: str, vendor_id: str, status: str, **extra):
    return await client.patch(f"/v1/admin/vendors/{vendor_id}/status", headers=bearer(admin_token),
                              json={"status": status, **extra})


async def refreshed_claims_with_vendor(client, user: dict, timeout: float = 30.0) -> dict:
    """Refresh (rotating the token each time) until auth has applied vendor.approved to the owner's account."""
    deadline, refresh = time.monotonic() + timeout, user["refreshToken"]
    while True:
        resp = await client.post("/v1/auth/refresh", json={"refreshToken": refresh})
        assert resp.status_code == 200, resp.text
        refresh = resp.json()["refreshToken"]
        claims = jwt.decode(resp.json()["accessToken"], options={"verify_signature": False})
        if claims.get("vendorId") or time.monotonic() > deadline:
            return {**claims, "accessToken": resp.json()["accessToken"]}
        await asyncio.sleep(0.3)


async def test_apply_approve_then_refresh_yields_vendor_token(client, admin_token):
    owner = await new_user(client)
    applied = await apply(client, owner, name="Ada's Fine Goods")
    assert applied["status"] == "pending" and applied["slug"].startswith("ada-s-fine-goods")
    again = await client.post("/v1/vendors/apply", headers=bearer(owner["accessToken"]),
                              json={"name": "Second Shop", "supportEmail": owner["email"]})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")

    vid = applied["id"]
    assert (await client.get(f"/v1/vendors/{vid}")).status_code == 404  # pending: hidden from the public
    own = (await client.get(f"/v1/vendors/{vid}", headers=bearer(owner["accessToken"]))).json()
    assert own["ownerUserId"] == owner["userId"] and own["supportEmail"] == owner["email"] and own["kyc"] == []

    approved = await set_status(client, admin_token, vid, "active", commissionType="percent",
                                commissionValue="12.5", reason="documents checked")
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "active" and body["approvedAt"]
    assert body["commission"] | {"activeFrom": None} == {"type": "percent", "value": 1250, "unit": "basis_points",
                                                         "currency": None, "activeFrom": None}

    claims = await refreshed_claims_with_vendor(client, owner)
    assert claims.get("vendorId") == vid, "auth did not apply vendor.approved within the timeout"
    assert "vendor_admin" in claims["roles"] and "customer" in claims["roles"]
    public = (await client.get(f"/v1/vendors/{vid}")).json()
    assert set(public) == {"id", "name", "slug", "status", "description", "logoUrl"}
    # the vendor token manages its own vendor
    mine = await client.get(f"/v1/vendors/{vid}/bank", headers=bearer(claims["accessToken"]))
    assert mine.status_code == 200 and mine.json() == {"items": []}


async def test_state_machine_and_audit_trail(client, admin_token):
    owner = await new_user(client)
    vid = (await apply(client, owner))["id"]
    assert (await set_status(client, admin_token, vid, "suspended")).status_code == 409  # pending → suspended
    ok = await set_status(client, admin_token, vid, "active")
    assert ok.status_code == 200 and ok.json()["commission"]["value"] == 1000  # the 10% default
    assert (await set_status(client, admin_token, vid, "active")).status_code == 409
    assert (await set_status(client, admin_token, vid, "rejected")).status_code == 409  # active → rejected
    assert (await set_status(client, admin_token, vid, "suspended", reason="chargebacks")).json()["status"] == \
        "suspended"
    assert (await client.get(f"/v1/vendors/{vid}")).status_code == 404  # suspended leaves the public view
    back = await set_status(client, admin_token, vid, "active", commissionType="fixed", commissionValue=250,
                            commissionCurrency="EUR")
    assert back.status_code == 200 and back.json()["commission"]["type"] == "fixed"
    assert back.json()["commission"]["value"] == 250 and back.json()["commission"]["currency"] == "EUR"
    audit = (await client.get(f"/v1/admin/vendors/{vid}/audit", headers=bearer(admin_token))).json()["items"]
    assert [(a["from"], a["to"]) for a in audit] == [("pending", "active"), ("active", "suspended"),
                                                     ("suspended", "active")]
    assert audit[1]["reason"] == "chargebacks" and audit[0]["actorUserId"]

    other = await new_user(client)
    rid = (await apply(client, other))["id"]
    assert (await set_status(client, admin_token, rid, "rejected", reason="incomplete")).status_code == 200
    assert (await set_status(client, admin_token, rid, "active")).status_code == 409  # rejected is final


async def test_admin_routes_refuse_customers_and_list_by_status(client, admin_token, customer):
    for call in (client.get("/v1/admin/vendors", headers=bearer(customer["accessToken"])),
                 client.patch(f"/v1/admin/vendors/{UNKNOWN_ID}/status", headers=bearer(customer["accessToken"]),
                              json={"status": "active"})):
        resp = await call
        assert resp.status_code == 403 and resp.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/v1/admin/vendors")).status_code == 401

    first, second = await new_user(client), await new_user(client)
    ids = [(await apply(client, first))["id"], (await apply(client, second))["id"]]
    listed = await client.get("/v1/admin/vendors", params={"status": "pending", "perPage": 100},
                              headers=bearer(admin_token))
    assert listed.status_code == 200
    page = listed.json()
    assert page["total"] >= 2 and page["perPage"] == 100 and all(v["status"] == "pending" for v in page["items"])
    order = [v["id"] for v in page["items"]]
    assert order.index(ids[1]) < order.index(ids[0])  # newest first
    for params in ({"status": "bogus"}, {"perPage": 1000}, {"page": 0}):
        assert (await client.get("/v1/admin/vendors", params=params, headers=bearer(admin_token))).status_code == 422


async def test_bank_accounts_are_masked_encrypted_and_private(client, admin_token, customer):
    owner = await new_user(client)
    vid = (await apply(client, owner))["id"]
    auth = bearer(owner["accessToken"])
    added = await client.post(f"/v1/vendors/{vid}/bank", headers=auth, json={
        "accountHolder": "Ada Ltd", "iban": IBAN, "bankName": "West Bank", "country": "gb"})
    assert added.status_code == 201, added.text
    assert added.json()["accountMasked"] == "****5432" and added.json()["country"] == "GB"
    assert PLAIN_IBAN not in added.text and "98765432" not in added.text
    listed = await client.get(f"/v1/vendors/{vid}/bank", headers=auth)
    assert [b["accountMasked"] for b in listed.json()["items"]] == ["****5432"] and PLAIN_IBAN not in listed.text
    plain_no = await client.post(f"/v1/vendors/{vid}/bank", headers=auth, json={
        "accountHolder": "Ada Ltd", "accountNo": "000123456789", "bankName": "Local Bank", "country": "US"})
    assert plain_no.status_code == 201 and plain_no.json()["accountMasked"] == "****6789"

    engine = create_engine(sync_url(service_database_url("vendors")))
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT account_number_encrypted, account_last4 FROM vendor_bank_accounts "
                                   "WHERE vendor_id = :v"), {"v": vid}).all()
    engine.dispose()
    assert len(stored) == 2 and all(PLAIN_IBAN not in row[0] and "000123456789" not in row[0] for row in stored)

    intruder = await new_user(client, "intruder")
    await apply(client, intruder)
    for token in (customer["accessToken"], intruder["accessToken"]):
        for resp in (await client.get(f"/v1/vendors/{vid}/bank", headers=bearer(token)),
                     await client.get(f"/v1/vendors/{vid}/kyc", headers=bearer(token)),
                     await client.post(f"/v1/vendors/{vid}/bank", headers=bearer(token), json={
                         "accountHolder": "Mallory", "iban": IBAN, "bankName": "X Bank", "country": "GB"}),
                     await client.patch(f"/v1/vendors/{vid}", headers=bearer(token), json={"name": "Owned"})):
            assert resp.status_code in (403, 404), resp.text
    assert (await client.get(f"/v1/vendors/{vid}/bank")).status_code == 401
    admin_view = await client.get(f"/v1/vendors/{vid}/bank", headers=bearer(admin_token))
    assert admin_view.status_code == 200 and len(admin_view.json()["items"]) == 2


async def test_kyc_and_profile_updates(client, admin_token):
    owner = await new_user(client)
    vid = (await apply(client, owner))["id"]
    auth = bearer(owner["accessToken"])
    doc = await client.post(f"/v1/vendors/{vid}/kyc", headers=auth,
                            json={"docType": "business_registration", "docUrl": "https://files.example.com/reg.pdf"})
    assert doc.status_code == 201 and doc.json()["status"] == "submitted"
    assert [d["id"] for d in (await client.get(f"/v1/vendors/{vid}/kyc", headers=auth)).json()["items"]] == \
        [doc.json()["id"]]
    patched = await client.patch(f"/v1/vendors/{vid}", headers=auth, json={
        "description": "Hand-made things", "logoUrl": "https://cdn.example.com/logo.png",
        "supportPhone": "+1 555 0100"})
    assert patched.status_code == 200, patched.text
    full = patched.json()
    assert full["description"] == "Hand-made things" and full["supportPhone"] == "+1 555 0100"
    assert [d["docType"] for d in full["kyc"]] == ["business_registration"]
    assert (await client.patch(f"/v1/vendors/{vid}", headers=auth, json={"status": "active"})).status_code == 422
    by_admin = await client.patch(f"/v1/vendors/{vid}", headers=bearer(admin_token), json={"name": "Renamed Shop"})
    assert by_admin.status_code == 200 and by_admin.json()["name"] == "Renamed Shop"


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/vendors/apply", {"name": "x" * 10_000, "supportEmail": "a@example.com"}),
    ("/v1/vendors/apply", {"name": "Good Name", "supportEmail": "not-an-email"}),
    ("/v1/vendors/apply", {"name": "Good Name", "supportEmail": "a@example.com", "supportPhone": "call me"}),
    ("/v1/vendors/apply", {"name": "Good Name"}),
])
async def test_invalid_applications_are_422(client, customer, path, body):
    resp = await client.post(path, headers=bearer(customer["accessToken"]), json=body)
    assert resp.status_code == 422 and resp.json()["errors"], resp.text


async def test_invalid_bank_kyc_status_and_ids(client, admin_token):
    owner = await new_user(client)
    vid = (await apply(client, owner))["id"]
    auth = bearer(owner["accessToken"])
    base = {"accountHolder": "Ada Ltd", "bankName": "West Bank", "country": "GB"}
    for body in ({**base, "iban": "GB82 WEST 1234 5698 7654 33"}, {**base, "iban": IBAN, "accountNo": "12345678"},
                 base, {**base, "accountNo": "12#45"}, {**base, "iban": IBAN, "country": "GBR"}):
        resp = await client.post(f"/v1/vendors/{vid}/bank", headers=auth, json=body)
        assert resp.status_code == 422, (body, resp.text)
    bad_doc = await client.post(f"/v1/vendors/{vid}/kyc", headers=auth, json={"docType": "id", "docUrl": "ftp://x"})
    assert bad_doc.status_code == 422
    for body in ({"status": "deleted"}, {"status": "active", "commissionType": "percent", "commissionValue": 150},
                 {"status": "active", "commissionType": "percent"},
                 {"status": "active", "commissionType": "fixed", "commissionValue": "2.5"},
                 {"status": "active", "reason": "r" * 10_000}):
        resp = await client.patch(f"/v1/admin/vendors/{vid}/status", headers=bearer(admin_token), json=body)
        assert resp.status_code == 422, (body, resp.text)
    for vendor_id in (UNKNOWN_ID, "not-a-uuid", "1' OR '1'='1"):
        assert (await client.get(f"/v1/vendors/{vendor_id}", headers=auth)).status_code == 404
        assert (await set_status(client, admin_token, vendor_id, "active")).status_code == 404
        assert (await client.get(f"/v1/vendors/{vendor_id}/bank", headers=auth)).status_code == 404


async def test_mine_shows_the_callers_own_application_in_any_state(client, admin_token):
    owner, other = await new_user(client), await new_user(client, "other")
    assert (await client.get("/v1/vendors/mine", headers=bearer(owner["accessToken"]))).status_code == 404
    vid = (await apply(client, owner))["id"]
    mine = await client.get("/v1/vendors/mine", headers=bearer(owner["accessToken"]))
    assert mine.status_code == 200 and mine.json()["id"] == vid and mine.json()["status"] == "pending"
    assert (await client.get("/v1/vendors/mine", headers=bearer(other["accessToken"]))).status_code == 404
    assert (await client.get("/v1/vendors/mine")).status_code == 401
    assert (await set_status(client, admin_token, vid, "rejected", reason="blurry documents")).status_code == 200
    assert (await client.get("/v1/vendors/mine", headers=bearer(owner["accessToken"]))).json()["status"] == "rejected"
