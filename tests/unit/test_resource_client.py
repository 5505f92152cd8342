"""kernel.service_client.ResourceClient: another service's `GET /internal/v1/<collection>/<key>`, parsed, with the
"unknown → None, cannot answer → 503" rule reviews and shipping both rely on (an httpx MockTransport stands in for
the orders service; no database or broker is involved)."""
from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from kernel.errors import ServiceUnavailable
from kernel.service_client import ResourceClient, ServiceClients


def _client(handler) -> ResourceClient[tuple[str, str]]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://orders.internal")
    settings = SimpleNamespace(internal_api_token="secret", service_urls={})
    clients = ServiceClients(settings, injected={"orders": http})  # type: ignore[arg-type]
    return ResourceClient(clients, service="orders", collection="orders", noun="order",
                          parse=lambda doc: (doc["orderNo"], doc["status"]))


async def test_a_known_key_is_parsed_and_the_key_is_quoted_into_one_path_segment():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.raw_path, request.headers.get("X-Internal-Token")))
        return httpx.Response(200, json={"orderNo": "A/1 x", "status": "paid"})

    assert await _client(handler).get("A/1 x") == ("A/1 x", "paid")
    assert seen == [(b"/internal/v1/orders/A%2F1%20x", "secret")]


async def test_an_unknown_key_is_none():
    assert await _client(lambda r: httpx.Response(404, json={"title": "no"})).get("MKT-1") is None


@pytest.mark.parametrize("answer", [httpx.Response(500, json={}), httpx.Response(200, text="not json"),
                                    httpx.Response(200, json=[1, 2])])
async def test_a_service_that_cannot_answer_is_503(answer):
    with pytest.raises(ServiceUnavailable, match="orders"):
        await _client(lambda r: answer).get("MKT-1")


async def test_an_unreachable_service_is_503():
    def handler(request):
        raise httpx.ConnectError("refused")

    with pytest.raises(ServiceUnavailable, match="unreachable"):
        await _client(handler).get("MKT-1")
