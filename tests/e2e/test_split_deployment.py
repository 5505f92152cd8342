"""Scale-out shape: each service in its own process, the gateway reaching them over real HTTP by settings."""
from __future__ import annotations

import json

import httpx

from mkt.admin_cli import create_super_admin
from tests.conftest import unique_email
from tests.e2e.conftest import MKT, free_port, wait_ready


async def test_gateway_routes_to_separately_deployed_services(stack, processes, tmp_path):
    ports = {name: free_port() for name in ("auth", "catalog", "gateway")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {"ENV": "test", "JWKS_URL": f"{urls['auth']}/v1/auth/jwks",
           "SERVICE_URLS": json.dumps({"auth": urls["auth"], "catalog": urls["catalog"]})}
    for name in ("auth", "catalog", "gateway"):
        proc = processes.start([MKT, "serve", name, "--port", str(ports[name])], env, tmp_path / f"{name}.log")
        wait_ready(f"{urls[name]}/healthz", proc)

    admin_email = unique_email("split-admin")
    await create_super_admin(admin_email, "Admin-pass-123")
    async with httpx.AsyncClient(base_url=urls["gateway"], timeout=20) as gw:
        ready = await gw.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"redis": "ok", "auth": "ok", "catalog": "ok"}
        login = await gw.post("/v1/auth/login", json={"email": admin_email, "password": "Admin-pass-123"})
        token = login.json()["accessToken"]
        created = await gw.post("/v1/admin/categories", json={"name": f"Split {admin_email[:18]}"},
                                headers={"Authorization": f"Bearer {token}", "X-Request-ID": "split-req-1"})
        assert created.status_code == 201, created.text
        assert created.headers["x-request-id"] == "split-req-1"
        listed = await gw.get("/v1/categories")
        assert created.json()["id"] in {c["id"] for c in listed.json()["items"]}
        spec = await gw.get("/v1/openapi/catalog.json")
        assert "/v1/admin/categories" in spec.json()["paths"]
    # the catalog service verifies tokens itself too (defence in depth), through the auth service's JWKS
    async with httpx.AsyncClient(base_url=urls["catalog"], timeout=20) as catalog:
        direct = await catalog.post("/v1/admin/categories", json={"name": "Sneaky"},
                                    headers={"Authorization": "Bearer forged.token.here"})
        assert direct.status_code == 401
