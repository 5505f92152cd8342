"""HTTP bodies of ClickHouse's HTTP interface: the request body reader, request Content-Encoding decoders and
response Accept-Encoding encoders.

Request bodies are decoded incrementally because inserts are streamed straight into chDB; a body can hold
several compressed frames back to back (clickhouse-connect compresses every insert block as its own LZ4 frame).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Protocol

import lz4.frame
import zstandard
from starlette.datastructures import UploadFile
from starlette.requests import Request

from deploy.local.chdb_server.chdb_pool import WarehouseError


class CodecError(WarehouseError):
    """A body that cannot be decoded, or an encoding this server does not speak."""

    def __init__(self, message: str) -> None:
        super().__init__(271, "CANNOT_DECOMPRESS", message)


class Decoder(Protocol):
    def feed(self, data: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


class _Identity:
    def feed(self, data: bytes) -> bytes:
        return data

    def finish(self) -> bytes:
        return b""


class _Lz4Frames:
    def __init__(self) -> None:
        self._dec = lz4.frame.LZ4FrameDecompressor()
        self._mid_frame = False

    def feed(self, data: bytes) -> bytes:
        out = []
        # A frame may end in the middle of a network chunk: restart on what the finished frame left over.
        while data:
            out.append(self._dec.decompress(data))
            self._mid_frame = not self._dec.eof
            if not self._dec.eof:
                break
            data = self._dec.unused_data
            self._dec = lz4.frame.LZ4FrameDecompressor()
        return b"".join(out)

    def finish(self) -> bytes:
        if self._mid_frame:
            raise CodecError("Unexpected end of LZ4-compressed request body")
        return b""


class _ZstdFrames:
    def __init__(self) -> None:
        self._dec = zstandard.ZstdDecompressor().decompressobj()

    def feed(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self._dec.decompress(data))
            if not self._dec.eof:
                break
            data = self._dec.unused_data
            self._dec = zstandard.ZstdDecompressor().decompressobj()
        return b"".join(out)

    def finish(self) -> bytes:
        return self._dec.flush()


class _Zlib:
    """gzip (possibly several members) or zlib-wrapped deflate."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._dec = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self._dec.decompress(data))
            if not self._dec.eof:
                break
            data = self._dec.unused_data
            self._dec = zlib.decompressobj(self._wbits)
        return b"".join(out)

    def finish(self) -> bytes:
        return self._dec.flush()


def request_decoder(content_encoding: str | None) -> Decoder:
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding == "lz4":
        return _Lz4Frames()
    if encoding == "zstd":
        return _ZstdFrames()
    if encoding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _Zlib(zlib.MAX_WBITS)
    raise CodecError(f"Unknown HTTP compression method: {content_encoding}")


class Encoder(Protocol):
    name: str

    def feed(self, data: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


class _Lz4Encoder:
    """One LZ4 frame for the whole response: the client's streaming reader expects a single frame."""

    name = "lz4"

    def __init__(self) -> None:
        self._comp = lz4.frame.LZ4FrameCompressor()
        self._started = False

    def feed(self, data: bytes) -> bytes:
        head = b""
        if not self._started:
            head, self._started = self._comp.begin(), True
        return head + self._comp.compress(data)

    def finish(self) -> bytes:
        head = b"" if self._started else self._comp.begin()
        self._started = True
        return head + self._comp.flush()


class _ZstdEncoder:
    name = "zstd"

    def __init__(self) -> None:
        self._comp = zstandard.ZstdCompressor(level=1).compressobj()

    def feed(self, data: bytes) -> bytes:
        return self._comp.compress(data)

    def finish(self) -> bytes:
        return self._comp.flush()


class _ZlibEncoder:
    def __init__(self, name: str, wbits: int) -> None:
        self.name = name
        self._comp = zlib.compressobj(3, zlib.DEFLATED, wbits)

    def feed(self, data: bytes) -> bytes:
        return self._comp.compress(data)

    def finish(self) -> bytes:
        return self._comp.flush()


_ENCODERS = {
    "lz4": _Lz4Encoder,
    "zstd": _ZstdEncoder,
    "gzip": lambda: _ZlibEncoder("gzip", 16 + zlib.MAX_WBITS),
    "deflate": lambda: _ZlibEncoder("deflate", zlib.MAX_WBITS),
}


def response_encoder(accept_encoding: str | None) -> Encoder | None:
    """The first method of the client's list that we can produce, in the client's order of preference."""
    for item in (accept_encoding or "").split(","):
        name = item.split(";")[0].strip().lower()
        if name in _ENCODERS:
            return _ENCODERS[name]()
    return None


def encode_all(encoder: Encoder | None, data: bytes) -> bytes:
    if encoder is None:
        return data
    return encoder.feed(data) + encoder.finish()


class RequestBody:
    """The decoded request body (after the `query` URL parameter, as ClickHouse concatenates them)."""

    def __init__(self, raw: AsyncIterator[bytes] | None, decoder: Decoder, prefix: bytes) -> None:
        self._raw, self._decoder = raw, decoder
        self._buffer = bytearray(prefix)
        self.complete = raw is None

    @classmethod
    async def open(cls, request: Request, spec) -> RequestBody:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            if any(isinstance(value, UploadFile) for _, value in form.multi_items()):
                raise WarehouseError(48, "NOT_IMPLEMENTED", "External data tables are not supported by the "
                                     "local warehouse server")
            spec.add_form_fields({k: str(v) for k, v in form.multi_items()})
            return cls(None, _Identity(), spec.query_param.encode())
        prefix = (spec.query_param + "\n").encode() if spec.query_param else b""
        raw = request.stream() if request.method == "POST" else None
        return cls(raw, request_decoder(spec.content_encoding), prefix)

    async def _pull(self) -> bytes | None:
        """The next decoded piece, None at the end of the body."""
        if self.complete:
            return None
        try:
            chunk = await anext(self._raw)
        except StopAsyncIteration:
            chunk = b""
        try:
            if chunk:
                return self._decoder.feed(chunk)
            self.complete = True
            return self._decoder.finish()
        except WarehouseError:
            raise
        except Exception as exc:
            raise CodecError(f"Cannot decompress request body: {exc}") from None

    async def read_head(self, limit: int) -> bytes:
        while len(self._buffer) < limit and not self.complete:
            piece = await self._pull()
            if piece:
                self._buffer += piece
        head, self._buffer = bytes(self._buffer), bytearray()
        return head

    async def rest(self) -> AsyncIterator[bytes]:
        while not self.complete:
            piece = await self._pull()
            if piece:
                yield piece

    async def read_all(self) -> bytes:
        return b"".join([piece async for piece in self.rest()])

    async def drain(self) -> None:
        try:
            while not self.complete:
                if not await anext(self._raw, b""):
                    self.complete = True
        except Exception:  # the client may already be gone
            self.complete = True
