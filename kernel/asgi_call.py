"""One HTTP request handed straight to an ASGI app in this process: no HTTP client, no transport, no socket.

The gateway's hop to a hosted service (apps/gateway/local_hop.py) and service-to-service calls to a hosted service
(kernel/service_client.py) both go through here. A crash inside the app answers 500, as httpx's ASGI transport with
raise_app_exceptions=False did, so callers see what they would over HTTP.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import structlog
from starlette.types import ASGIApp, Message

log = structlog.get_logger("asgi_call")
CLIENT = ("127.0.0.1", 123)  # what httpx's ASGI transport reports as the peer: the services see the same


@dataclass
class AsgiResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


async def call_asgi(app: ASGIApp, *, service: str, method: str, path: str, query_string: bytes,
                    headers: list[tuple[bytes, bytes]], body: bytes, raw_path: bytes | None = None) -> AsgiResponse:
    """`headers` are lower-case ASGI header pairs; host and content-length are added here."""
    host = f"{service}.internal"
    headers = [*headers, (b"host", host.encode()), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": raw_path or path.encode(), "root_path": "",
             "query_string": query_string, "headers": headers, "client": CLIENT,
             "server": (host, 80), "extensions": {}}
    done = asyncio.Event()
    sent_body = False
    out = AsgiResponse(500, [], b"")
    chunks: list[bytes] = []
    started = False

    async def receive() -> Message:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
            out.status, out.headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(scope, receive, send)
    except Exception as exc:  # noqa: BLE001 - like httpx's raise_app_exceptions=False: the caller gets a 500
        log.warning("asgi_call.crashed", service=service, error=type(exc).__name__)
        if not started:
            out.status, out.headers, chunks = 500, [], []
    finally:
        done.set()
    out.body = b"".join(chunks)
    return out
