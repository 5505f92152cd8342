"""kernel.http answers bad input with a 4xx problem in every service, whatever route it reaches (issue 13: control
and NUL characters in paths, values PostgreSQL refuses), and every route documents those problems."""
from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DataError

from kernel.http import RequestContextMiddleware, install_problem_handlers


class _NulRefused(Exception):
    def __str__(self) -> str:
        return "PostgreSQL text fields cannot contain NUL (0x00) bytes"


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, service="test")

    @app.get("/v1/things/{slug}")
    async def thing(slug: str, q: str = "") -> dict:
        if "\x00" in slug + q:  # what the database driver does with a NUL
            raise DataError("SELECT ...", {}, _NulRefused())
        return {"slug": slug}

    return app


async def _raw_get(app: FastAPI, raw_path: bytes, query: bytes = b"") -> tuple[int, bytes]:
    """Straight into the ASGI app: httpx refuses to build URLs holding control characters."""
    from urllib.parse import unquote

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": unquote(raw_path.decode()), "raw_path": raw_path, "root_path": "", "query_string": query,
             "headers": [(b"host", b"t")], "client": ("127.0.0.1", 1), "server": ("t", 80)}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], sent[1]["body"]


@pytest.mark.parametrize("raw", [b"/v1/things/%00%ff", b"/v1/things/%1B%C2%82", b"/v1/things/a%7Fb", b"/v1/things/%C2%85"])
async def test_control_characters_in_a_path_are_a_400_problem(raw):
    status, body = await _raw_get(_app(), raw)
    assert status == 400 and b"invalid-path" in body


async def test_non_utf8_and_ordinary_unicode_paths_reach_the_route():
    status, _ = await _raw_get(_app(), b"/v1/things/%ff%C3%A9t%C3%A9")
    assert status == 200


async def test_a_value_the_database_refuses_is_a_422_problem():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as client:
        resp = await client.get("/v1/things/ok", params={"q": "\x00"})
    assert resp.status_code == 422
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["type"].endswith("/invalid-value")


def test_every_route_documents_problem_answers():
    doc = _app().openapi()
    responses = doc["paths"]["/v1/things/{slug}"]["get"]["responses"]
    assert set(responses) == {"200", "422", "4XX", "503"}
    assert list(responses["422"]["content"]) == ["application/problem+json"]
    assert responses["4XX"]["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in doc["components"]["schemas"]
