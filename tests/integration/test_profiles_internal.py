"""The profiles service's internal address lookup (checkout snapshots a shopper's address from it): only with the
internal token, only the owner's address, never routed by the gateway."""
from __future__ import annotations

import httpx
import pytest

from kernel.ids import new_id_str
from tests.integration.orders_helpers import shopper


@pytest.fixture(scope="module")
async def internal(gateway):
    profiles = gateway.state.services["profiles"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=profiles), base_url="http://profiles.internal",
                                 headers={"X-Internal-Token": profiles.state.settings.internal_api_token}) as c:
        yield c


async def test_address_lookup_for_its_owner_only(client, gateway, internal):
    who, other = shopper(gateway), shopper(gateway)
    made = await client.post("/v1/me/addresses", headers=who["headers"], json={
        "line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "DE"})
    assert made.status_code == 201, made.text
    address_id = made.json()["id"]

    found = await internal.get(f"/internal/v1/users/{who['userId']}/addresses/{address_id}")
    assert found.status_code == 200 and found.json()["city"] == "Berlin" and found.json()["postalCode"] == "10115"
    for path in (f"/internal/v1/users/{other['userId']}/addresses/{address_id}",
                 f"/internal/v1/users/{who['userId']}/addresses/{new_id_str()}",
                 f"/internal/v1/users/not-a-uuid/addresses/{address_id}",
                 f"/internal/v1/users/{who['userId']}/addresses/x"):
        assert (await internal.get(path)).status_code == 404, path
    no_token = await internal.get(f"/internal/v1/users/{who['userId']}/addresses/{address_id}",
                                  headers={"X-Internal-Token": ""})
    assert no_token.status_code in (401, 403)
    assert (await client.get(f"/internal/v1/users/{who['userId']}/addresses/{address_id}")).status_code == 404
