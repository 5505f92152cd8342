"""auth's internal user lookup (for notifications): token-guarded, never routed by the gateway."""
from __future__ import annotations

import httpx
import pytest

from kernel.ids import new_id_str

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def auth_app(gateway):
    return gateway.state.services["auth"]


async def test_internal_user_lookup(client, auth_app, customer):
    token = auth_app.state.settings.internal_api_token
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=auth_app), base_url="http://auth.internal") as c:
        path = f"/internal/v1/users/{customer['userId']}"
        assert (await c.get(path)).status_code == 401
        assert (await c.get(path, headers={"X-Internal-Token": "wrong"})).status_code == 403
        resp = await c.get(path, headers={"X-Internal-Token": token})
        assert resp.status_code == 200, resp.text
        assert resp.json() == {"userId": customer["userId"], "email": customer["email"], "name": "Ada",
                               "isActive": True, "roles": ["customer"], "vendorId": None}
        for missing in (new_id_str(), "not-a-uuid", "x" * 3000):
            assert (await c.get(f"/internal/v1/users/{missing}", headers={"X-Internal-Token": token})).status_code \
                == 404
    assert (await client.get(f"/internal/v1/users/{customer['userId']}",
                             headers={"X-Internal-Token": token})).status_code == 404  # the gateway never routes it
