"""Service-to-service calls: one httpx client per target service, with the internal token and the caller's
request/correlation ids. In one process (mkt serve) the composition root hands in the ASGI apps of the services it
hosts, and a call to one of those is a direct ASGI call (kernel/asgi_call.py: no httpx request, transport or
response decoding, with the same headers, token, answers and 503s); other services are reached over HTTP at
SERVICE_URLS. Callers wrap these in their own typed clients.py."""
from __future__ import annotations

import json as json_module
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import quote, unquote, urlencode

import httpx
from starlette.types import ASGIApp

from kernel import tracing
from kernel.asgi_call import call_asgi
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
    def __init__(self, settings: CommonSettings, injected: dict[str, httpx.AsyncClient] | None = None,
                 local_apps: Mapping[str, ASGIApp] | None = None) -> None:
        self._settings = settings
        self._clients: dict[str, httpx.AsyncClient] = injected if injected is not None else {}
        self._owned: list[httpx.AsyncClient] = []
        # service → its ASGI app when hosted in this process (filled by the composition root after every app exists)
        self._local: Mapping[str, ASGIApp] = local_apps if local_apps is not None else {}

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
        app = self._local.get(service)
        if app is not None and _LOCAL_KWARGS.issuperset(kwargs):
            return await _call_local(app, service, method, path, headers, **kwargs)
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


_LOCAL_KWARGS = frozenset({"json", "content", "params", "timeout"})


async def _call_local(app: ASGIApp, service: str, method: str, path: str, headers: dict[str, str], *,
                      json: Any = None, content: bytes | str | None = None, params: Any = None,
                      timeout: Any = None) -> httpx.Response:
    """What `httpx.AsyncClient(transport=ASGITransport(app)).request(...)` would answer, without httpx's request
    and transport. No timeout applies, as none did through httpx's ASGI transport."""
    path, _, query = path.partition("?")
    if params:
        query = "&".join(q for q in (query, urlencode(params, doseq=True)) if q)
    pairs = [(k.lower().encode(), v.encode("utf-8")) for k, v in headers.items()]
    if json is not None:
        body = json_module.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        pairs.append((b"content-type", b"application/json"))
    else:
        body = content.encode() if isinstance(content, str) else (content or b"")
    answer = await call_asgi(app, service=service, method=method.upper(), path=unquote(path), raw_path=path.encode(),
                             query_string=query.encode(), headers=pairs, body=body)
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body,
                          request=httpx.Request(method, f"http://{service}.internal{path}"))


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
