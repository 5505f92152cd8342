"""Shared fixtures. Integration and e2e tests use the real local stack (`mkt stack up`), never mocks."""
from __future__ import annotations

import os
import uuid

import httpx
import pytest

os.environ.setdefault("ENV", "test")
# Fraud decisions are scored and announced but not acted on in test sessions (their shoppers share one address, a
# fraud signal): the fraud tests switch the in-process serving app to "enforce" while they run.
os.environ.setdefault("SERVING_FRAUD_MODE", "shadow")
# Feature flags of this test session live in a Redis hash of their own: tests never flip the running world's flags,
# and two sessions at once never flip each other's.
os.environ.setdefault("FEATURE_FLAGS_KEY", f"ff:test:{uuid.uuid4().hex[:12]}")
# Likewise the search index: this session's Typesense alias (and collections behind it), never the demo's `products`.
os.environ.setdefault("SEARCH_COLLECTION_ALIAS", f"test_products_{uuid.uuid4().hex[:8]}")
# And Kafka consumer groups of its own (kernel.consumer.kafka_group): other processes on the shared broker never
# rebalance this session's consumers away from their partitions; a fresh group starts at the topics' end.
os.environ.setdefault("CONSUMER_GROUP_SUFFIX", f"-test-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session", autouse=True)
def _drop_session_search_index():
    """At the end of the session, drop this session's search alias and the collection behind it."""
    yield
    from kernel.settings import stack_settings

    settings, alias = stack_settings(), os.environ["SEARCH_COLLECTION_ALIAS"]
    headers = {"X-TYPESENSE-API-KEY": settings.typesense_api_key}
    try:
        with httpx.Client(base_url=settings.typesense_url, headers=headers, timeout=5) as http:
            target = http.get(f"/aliases/{alias}")
            if target.status_code == 200:
                http.delete(f"/aliases/{alias}")
                http.delete(f"/collections/{target.json()['collection_name']}")
    except httpx.HTTPError:
        pass  # Typesense down: nothing to clean


def pytest_collection_modifyitems(session, config, items):
    """Browser tests last: while Playwright's sync API is open its event loop runs in the main thread, where no
    async test can start its own."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture(scope="session")
def stack():
    """Starts (or reuses) every local server once per session, and migrates every service database."""
    from deploy.local.stack import ensure_up
    from kernel.settings import stack_settings
    from mkt.db_cli import upgrade_all
    from warehouse.migrate import migrate

    ensure_up()
    upgrade_all()
    migrate(stack_settings())
    return True


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
async def admin_token(client, gateway) -> str:
    """A super admin's access token for the whole session. The account logs in through the API (so it is real),
    but the session outlives a 15-minute access token, so the token the fixtures share is issued by auth's own
    issuer with a session-long lifetime (same key, claims and checks; only `exp` is later)."""
    import copy
    from datetime import timedelta

    import jwt

    from mkt.admin_cli import create_super_admin

    email = unique_email("admin")
    await create_super_admin(email, ADMIN_PASSWORD)
    claims = jwt.decode((await login(client, email, ADMIN_PASSWORD))["accessToken"],
                        options={"verify_signature": False})
    issuer = copy.copy(gateway.state.services["auth"].state.issuer)
    issuer.ttl = timedelta(hours=6)
    return issuer.access_token(user_id=claims["sub"], roles=list(claims["roles"]), vendor_id=claims.get("vendorId"))


@pytest.fixture
async def customer(client) -> dict:
    email, password = unique_email("shopper"), "shopper-pass-1"
    resp = await client.post("/v1/auth/register", json={"email": email, "password": password, "name": "Ada"})
    assert resp.status_code == 201, resp.text
    tokens = await login(client, email, password)
    return {"email": email, "password": password, "userId": resp.json()["userId"], **tokens}


@pytest.fixture(scope="session")
def small_world(stack, tmp_path_factory):
    """A small simulated world (2022–2023) in the warehouse with its ground truth: what model tests train on."""
    from tests.sim_world import land_small_world

    return land_small_world(tmp_path_factory.mktemp("small-world") / "worker.log")
