"""The gateway's edge behaviour: auth at the edge, CORS, limits and problem+json for every bad input."""
from __future__ import annotations

import httpx
import pytest

from tests.conftest import unique_email


def assert_problem(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == status and body["title"] and "detail" in body
    return body


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and set(ready.json()["checks"]) >= {"redis", "auth", "catalog"}


async def test_admin_routes_need_a_valid_token_and_the_role(client, customer, admin_token):
    body = {"name": "Garden"}
    assert_problem(await client.post("/v1/admin/categories", json=body), 401)
    assert_problem(await client.post("/v1/admin/categories", json=body,
                                     headers={"Authorization": "Bearer not.a.token"}), 401)
    assert_problem(await client.post("/v1/admin/categories", json=body,
                                     headers={"Authorization": f"Bearer {customer['accessToken']}"}), 403)


async def test_request_id_is_echoed_and_generated(client):
    resp = await client.get("/v1/categories", headers={"X-Request-ID": "req-abc-123"})
    assert resp.headers["x-request-id"] == "req-abc-123"
    assert (await client.get("/v1/categories")).headers["x-request-id"]


@pytest.mark.parametrize("content,ctype,status", [
    (b"{not json", "application/json", 400),
    (b"[1, 2, 3]", "application/json", 422),
    (b'{"email": 5}', "application/json", 422),
    (b"\xff\xfe\x00garbage", "application/json", 400),
    (b"email=a", "application/x-www-form-urlencoded", 422),
])
async def test_bad_bodies_are_4xx_problems(client, content, ctype, status):
    resp = await client.post("/v1/auth/register", content=content, headers={"content-type": ctype})
    assert_problem(resp, status)


async def test_oversized_body_is_413(client):
    big = b'{"email": "' + b"a" * 7_000_000 + b'"}'
    assert_problem(await client.post("/v1/auth/register", content=big,
                                     headers={"content-type": "application/json"}), 413)


async def test_unknown_route_and_method_are_problems(client):
    assert_problem(await client.get("/v1/nowhere"), 404)
    assert_problem(await client.delete("/v1/auth/jwks"), 405)


async def test_cors_preflight_allows_configured_origin_only(client):
    ok = await client.options("/v1/categories", headers={"Origin": "http://localhost:3000",
                                                         "Access-Control-Request-Method": "GET"})
    assert ok.headers.get("access-control-allow-origin") == "http://localhost:3000"
    evil = await client.options("/v1/categories", headers={"Origin": "https://evil.example",
                                                           "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in evil.headers


async def test_rate_limit_returns_429_with_retry_after(stack, monkeypatch):
    """A gateway with a tiny budget: the burst passes, the next request is refused with Retry-After."""
    from mkt.composition import build_all_in_one

    monkeypatch.setenv("RATE_LIMIT_BURST", "5")
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "6")
    app = build_all_in_one(run_relay=False, run_consumers=False)
    async with app.router.lifespan_context(app):
        ip = f"10.9.{hash(unique_email()) % 250}.{hash(unique_email()) % 250}"
        transport = httpx.ASGITransport(app=app, client=(ip, 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            statuses = [(await c.get("/v1/categories")).status_code for _ in range(7)]
            assert statuses[:5] == [200] * 5
            limited = await c.get("/v1/categories")
            body = assert_problem(limited, 429)
            assert int(limited.headers["retry-after"]) >= 1 and "retry" in body["detail"].lower()


async def test_gateway_never_forwards_an_internal_token(client, gateway):
    """A public caller who learned the service token still cannot use it through the edge: the carrier
    stand-in route accepts the internal token when called inside the deployment, never via the gateway."""
    token = gateway.state.services["auth"].state.settings.internal_api_token
    resp = await client.post("/v1/shipping/track/MKT1ZNOTREAL000/events", json={"status": "in_transit"},
                             headers={"X-Internal-Token": token})
    assert resp.status_code == 401, resp.text


@pytest.mark.parametrize("path", ["/v1/products/%00%ff", "/v1/inventory/%1B%C2%82", "/v1/vendors/a%00b/forecasts"])
async def test_control_bytes_in_a_path_are_4xx_problems(client, path):
    resp = await client.get(path)
    assert 400 <= resp.status_code < 500, (path, resp.status_code, resp.text)
    assert resp.headers["content-type"].startswith("application/problem+json")


async def test_the_process_exposes_prometheus_metrics_of_every_hosted_service(client):
    await client.get("/v1/categories")
    text = (await client.get("/metrics")).text
    assert "# TYPE http_request_duration_seconds histogram" in text
    assert 'service="gateway"' in text and 'service="catalog"' in text
    assert "outbox_oldest_unpublished_seconds" in text
