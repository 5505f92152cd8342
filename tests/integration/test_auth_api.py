"""Auth through the gateway against real PostgreSQL, Kafka (outbox) and the SMTP sink."""
from __future__ import annotations

import re

from deploy.local.mailbox import wait_for_message
from tests.conftest import unique_email
from tests.integration.conftest import login


async def test_register_login_and_duplicate_email(client):
    email = unique_email()
    resp = await client.post("/v1/auth/register", json={"email": email, "password": "pass-word-1"})
    assert resp.status_code == 201 and resp.json()["userId"]
    dup = await client.post("/v1/auth/register", json={"email": email.upper(), "password": "pass-word-1"})
    assert dup.status_code == 409
    assert dup.headers["content-type"].startswith("application/problem+json")
    tokens = await login(client, email, "pass-word-1")
    assert tokens["tokenType"] == "bearer" and tokens["expiresIn"] == 15 * 60
    wrong = await client.post("/v1/auth/login", json={"email": email, "password": "nope-nope-1"})
    unknown = await client.post("/v1/auth/login", json={"email": unique_email(), "password": "nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]  # no account enumeration


async def test_weak_password_and_bad_email_are_422(client):
    weak = await client.post("/v1/auth/register", json={"email": unique_email(), "password": "short"})
    assert weak.status_code == 422 and weak.json()["errors"]
    bad = await client.post("/v1/auth/register", json={"email": "not-an-email", "password": "pass-word-1"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"


async def test_refresh_rotates_and_reuse_revokes_the_family(client, customer):
    first = customer["refreshToken"]
    rotated = await client.post("/v1/auth/refresh", json={"refreshToken": first})
    assert rotated.status_code == 200
    second = rotated.json()["refreshToken"]
    assert second != first
    reuse = await client.post("/v1/auth/refresh", json={"refreshToken": first})
    assert reuse.status_code == 401 and "reuse" in reuse.json()["title"].lower()
    # the legitimately rotated token died with its family
    after = await client.post("/v1/auth/refresh", json={"refreshToken": second})
    assert after.status_code == 401
    # another login (another family) is unaffected
    fresh = await login(client, customer["email"], customer["password"])
    assert (await client.post("/v1/auth/refresh", json={"refreshToken": fresh["refreshToken"]})).status_code == 200


async def test_logout_revokes_refresh_token(client, customer):
    out = await client.post("/v1/auth/logout", json={"refreshToken": customer["refreshToken"]})
    assert out.status_code == 204
    assert (await client.post("/v1/auth/refresh", json={"refreshToken": customer["refreshToken"]})).status_code == 401


async def test_forgot_and_reset_password_through_the_mail_sink(client, customer):
    unknown = await client.post("/v1/auth/forgot-password", json={"email": unique_email()})
    resp = await client.post("/v1/auth/forgot-password", json={"email": customer["email"]})
    assert unknown.status_code == resp.status_code == 202
    mail = wait_for_message(lambda m: m["To"] == customer["email"], timeout=15)
    token = re.search(r"Reset token: (\S+)", mail.get_body(("plain",)).get_content()).group(1)

    bad = await client.post("/v1/auth/reset-password", json={"token": "forged", "newPassword": "new-pass-123"})
    assert bad.status_code == 422
    ok = await client.post("/v1/auth/reset-password", json={"token": token, "newPassword": "new-pass-123"})
    assert ok.status_code == 204
    again = await client.post("/v1/auth/reset-password", json={"token": token, "newPassword": "other-pass-123"})
    assert again.status_code == 422  # single use
    assert (await client.post("/v1/auth/login", json={"email": customer["email"],
                                                      "password": customer["password"]})).status_code == 401
    await login(client, customer["email"], "new-pass-123")
    # sessions from before the reset are over
    assert (await client.post("/v1/auth/refresh", json={"refreshToken": customer["refreshToken"]})).status_code == 401


async def test_jwks_publishes_rs256_public_key_only(client):
    keys = (await client.get("/v1/auth/jwks")).json()["keys"]
    assert keys and all(k["kty"] == "RSA" and k["alg"] == "RS256" and "d" not in k for k in keys)
