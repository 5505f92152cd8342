"""Service-to-service calls: one httpx client per target service, with the internal token and the caller's
request/correlation ids. In one process (mkt serve) the composition root hands in in-process clients; deployed
alone, clients are built from SERVICE_URLS. Callers wrap these in their own typed clients.py."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from kernel import tracing
from kernel.context import current_context
from kernel.errors import ServiceUnavailable
from kernel.internal import INTERNAL_TOKEN_HEADER
from kernel.settings import CommonSettings

T = TypeVar("T")


def json_object(resp: httpx.Response, service: str) -> dict[str, Any]:
    """The answer's JSON object; anything else is the other service failing (503), never our 500."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ServiceUnavailable(f"The {service} service answered {resp.status_code} without a JSON object.")
    return body


class ServiceClients:
    def __init__(self, settings: CommonSettings, injected: dict[str, httpx.AsyncClient] | None = None) -> None:
        self._settings = settings
        self._clients: dict[str, httpx.AsyncClient] = injected if injected is not None else {}
        self._owned: list[httpx.AsyncClient] = []

    def client(self, service: str) -> httpx.AsyncClient:
        if service not in self._clients:
            url = self._settings.service_urls.get(service)
            if url is None:
                raise ServiceUnavailable(f"No URL configured for the {service} service (SERVICE_URLS).")
            client = httpx.AsyncClient(base_url=url, timeout=10)
            self._clients[service] = client
            self._owned.append(client)
        return self._clients[service]

    def headers(self) -> dict[str, str]:
        ctx = current_context()
        headers = {INTERNAL_TOKEN_HEADER: self._settings.internal_api_token}
        if ctx.request_id:
            headers["X-Request-ID"] = ctx.request_id
            headers["X-Correlation-ID"] = ctx.correlation_id or ctx.request_id
        return tracing.inject(headers)

    async def request(self, service: str, method: str, path: str, **kwargs) -> httpx.Response:
        """Raises ServiceUnavailable (503) when the service cannot be reached, so callers never leak a 500."""
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        try:
            return await self.client(service).request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise ServiceUnavailable(f"The {service} service is unreachable: {type(exc).__name__}.") from None

    async def get_json(self, service: str, path: str, *, what: str) -> dict[str, Any] | None:
        """GET a JSON object from another service: None on 404 (it does not know `what`) or 400/422 (the key is
        malformed, e.g. a client's id holding control characters, so it names nothing), ServiceUnavailable (503)
        when it cannot answer or answers something else."""
        resp = await self.request(service, "GET", path)
        if resp.status_code in (400, 404, 422):
            return None
        if resp.status_code != 200:
            raise ServiceUnavailable(f"The {service} service answered {resp.status_code} for {what}.")
        return json_object(resp, service)

    async def close(self) -> None:
        for client in self._owned:
            await client.aclose()
        self._owned.clear()


class ResourceClient(Generic[T]):
    """One kind of thing another service serves at `GET /internal/v1/<collection>/<key>`, parsed into the caller's
    own view of it (`parse`): a service's clients.py declares which, e.g. reviews' and shipping's orders lookups."""

    def __init__(self, clients: ServiceClients, *, service: str, collection: str, noun: str,
                 parse: Callable[[dict[str, Any]], T]) -> None:
        self._clients, self._service, self._collection, self._noun, self._parse = (
            clients, service, collection, noun, parse)

    async def get(self, key: str) -> T | None:
        """None when the service does not know `key`; ServiceUnavailable (503) when it cannot answer."""
        body = await self._clients.get_json(self._service, f"/internal/v1/{self._collection}/{quote(key, safe='')}",
                                            what=f"{self._noun} {key}")
        return self._parse(body) if body is not None else None
