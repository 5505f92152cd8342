from __future__ import annotations

import httpx
import pytest

from mkt.admin_cli import create_super_admin
from tests.conftest import unique_email

ADMIN_PASSWORD = "Admin-pass-123"


@pytest.fixture(scope="session")
async def gateway(stack):
    """The all-in-one gateway (every service mounted) in this process, with its relays running."""
    from mkt.composition import build_all_in_one

    app = build_all_in_one()
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
async def client(gateway):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://testserver") as c:
        yield c


async def login(client: httpx.AsyncClient, email: str, password: str) -> dict:
    resp = await client.post("/v1/auth/login", json={"email": email, "password": password})
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.fixture(scope="session")
async def admin_token(client) -> str:
    email = unique_email("admin")
    await create_super_admin(email, ADMIN_PASSWORD)
    return (await login(client, email, ADMIN_PASSWORD))["accessToken"]


@pytest.fixture
async def customer(client) -> dict:
    email, password = unique_email("shopper"), "shopper-pass-1"
    resp = await client.post("/v1/auth/register", json={"email": email, "password": password, "name": "Ada"})
    assert resp.status_code == 201, resp.text
    tokens = await login(client, email, password)
    return {"email": email, "password": password, "userId": resp.json()["userId"], **tokens}
