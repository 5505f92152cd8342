"""A minimal keep-alive HTTP/1.1 GET client for load generation on the same box as the API.

Why: httpx spends about as much CPU per request as a cached catalog read costs the API, so on a 2-core machine the
load generator, not the API, set the figure. This one writes the request line and reads the answer by its
Content-Length (or chunks) over one asyncio connection per client: a few tens of microseconds per request.
GET only, no redirects, no TLS, no compression — what the catalog benchmark sends, nothing more."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit


@dataclass(slots=True)
class RawResponse:
    status_code: int
    headers: list[tuple[str, str]]  # lower-case names, in order, repeats kept
    content: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)

    def header_list(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name]

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class RawConnection:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._host_header = f"Host: {parts.netloc}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> RawResponse:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        target = f"{path}?{urlencode(params)}" if params else path
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._writer.write(b"GET " + target.encode() + b" HTTP/1.1\r\n" + self._host_header + extra.encode() + b"\r\n")
        try:
            return await self._read()
        except BaseException:
            self.close()  # a half-read answer leaves the connection unusable
            raise

    async def _read(self) -> RawResponse:
        assert self._reader is not None
        head = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = []
        for line in head[1:]:
            if line:
                name, _, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        fields = dict(headers)
        if status in (204, 304) or status < 200:
            body = b""
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunks()
        else:
            body = await self._reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            self.close()
        return RawResponse(status, headers, body)

    async def _chunks(self) -> bytes:
        assert self._reader is not None
        out = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")  # no trailers from our API
                return b"".join(out)
            out.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None
