"""The pages' only way to the marketplace: the public /v1 API through the gateway. A problem+json answer becomes
an ApiError whose `detail` the page shows in words."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class ApiError(Exception):
    status: int
    title: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"

    @property
    def message(self) -> str:
        """The sentence shown to the user: the API's detail, plus which fields were wrong."""
        # Two shapes reach us: FastAPI's {loc, msg} and our services' {field, message}; a line that only repeats
        # the detail (or says nothing) is left out, so the shopper reads "No such coupon.", not "(input: )".
        fields = []
        for e in self.errors:
            if not isinstance(e, dict):
                continue
            what = str(e.get("msg") or e.get("message") or "")
            where = ".".join(str(p) for p in e.get("loc", [])[1:]) or str(e.get("field") or "input")
            if what and what != self.detail:
                fields.append(f"{where}: {what}")
        return self.detail + (f" ({'; '.join(fields)})" if fields else "")


def _error_from(resp: httpx.Response) -> ApiError:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiError(status=resp.status_code, title=str(body.get("title") or resp.reason_phrase or "Error"),
                    detail=str(body.get("detail") or body.get("title") or f"The API answered {resp.status_code}."),
                    errors=list(body.get("errors") or []))


class Api:
    """Thin async client: one call per API route, the caller's access token attached."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.http = client

    async def call(self, method: str, path: str, *, token: str | None = None, json: Any = None,
                   params: dict[str, Any] | None = None, files: Any = None, data: Any = None,
                   headers: dict[str, str] | None = None) -> Any:
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            resp = await self.http.request(method, path, json=json, params=clean or None, files=files, data=data,
                                           headers=hdrs)
        except httpx.InvalidURL:
            # A page address with control or non-UTF-8 characters, passed on as an id: the visitor's input.
            raise ApiError(400, "Bad request", "The address holds characters that cannot be used.") from None
        except httpx.HTTPError as exc:
            raise ApiError(503, "Service unavailable", f"The marketplace API could not be reached ({type(exc).__name__}).") from exc
        if resp.status_code >= 400:
            raise _error_from(resp)
        if resp.status_code == 204 or not resp.content:
            return None
        if "json" in resp.headers.get("content-type", ""):
            return resp.json()
        return resp.content

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> Any:
        return await self.call("POST", path, **kw)

    async def patch(self, path: str, **kw: Any) -> Any:
        return await self.call("PATCH", path, **kw)

    async def delete(self, path: str, **kw: Any) -> Any:
        return await self.call("DELETE", path, **kw)
