"""Object storage behind one small interface: a local directory by default, any S3-compatible store by settings.

STORAGE_BACKEND=local keeps objects under MEDIA_DIR (default STACK_DIR/media); the owning service serves them at
MEDIA_PUBLIC_URL (default PUBLIC_BASE_URL/v1/media). STORAGE_BACKEND=s3 needs S3_ENDPOINT_URL, S3_BUCKET,
S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (path-style requests signed with SigV4 by kernel.sigv4).
"""
from __future__ import annotations

import asyncio
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

import httpx
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings

from kernel.sigv4 import Credentials, sha256_hex, sign_headers, uri_encode_path

# Segments start with an alphanumeric, so "..", hidden files and absolute paths can never be keys.
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}$")


class InvalidKey(ValueError):
    pass


class StorageError(RuntimeError):
    pass


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


def _check(key: str) -> str:
    if not valid_key(key):
        raise InvalidKey(f"invalid object key {key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    content_type: str


class ObjectStorage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store the bytes; returns the public URL."""

    async def get(self, key: str) -> StoredObject | None: ...

    async def delete(self, key: str) -> None: ...

    def url_for(self, key: str) -> str: ...

    async def close(self) -> None: ...


class LocalDirStorage:
    def __init__(self, root: Path, public_url: str) -> None:
        self.root, self.public_url = root, public_url.rstrip("/")

    def _path(self, key: str) -> Path:
        return self.root / _check(key)

    def url_for(self, key: str) -> str:
        return f"{self.public_url}/{_check(key)}"

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        await asyncio.to_thread(self._write, self._path(key), data)
        return self.url_for(key)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # readers never see half a file

    async def get(self, key: str) -> StoredObject | None:
        if not valid_key(key):
            return None
        path = self._path(key)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError):
            return None
        return StoredObject(data, mimetypes.guess_type(path.name)[0] or "application/octet-stream")

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    async def close(self) -> None:
        return None


class S3Storage:
    """Path-style S3 API (PUT/GET/DELETE object) over httpx; works with AWS S3 and S3-compatible servers."""

    def __init__(self, *, endpoint_url: str, bucket: str, creds: Credentials, public_url: str,
                 client: httpx.AsyncClient | None = None) -> None:
        self.endpoint, self.bucket, self.creds = endpoint_url.rstrip("/"), bucket, creds
        self.public_url = public_url.rstrip("/")
        self.host = urlsplit(self.endpoint).netloc
        self.client = client or httpx.AsyncClient(timeout=30)

    def url_for(self, key: str) -> str:
        return f"{self.public_url}/{_check(key)}"

    async def _send(self, method: str, key: str, data: bytes = b"", headers: dict[str, str] | None = None):
        path = f"/{self.bucket}/{_check(key)}"
        signed = sign_headers(self.creds, method=method, host=self.host, path=path, headers=headers,
                              payload_hash=sha256_hex(data))
        signed.pop("host")  # httpx sets it from the URL, byte-identical to what was signed
        try:
            return await self.client.request(method, f"{self.endpoint}{uri_encode_path(path)}", content=data,
                                             headers=signed)
        except httpx.HTTPError as exc:
            raise StorageError(f"object store unreachable: {exc}") from exc

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        resp = await self._send("PUT", key, data, {"content-type": content_type})
        if resp.status_code not in (200, 201, 204):
            raise StorageError(f"PUT {key}: {resp.status_code} {resp.text[:200]}")
        return self.url_for(key)

    async def get(self, key: str) -> StoredObject | None:
        if not valid_key(key):
            return None
        resp = await self._send("GET", key)
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise StorageError(f"GET {key}: {resp.status_code}")
        return StoredObject(resp.content, resp.headers.get("content-type", "application/octet-stream"))

    async def delete(self, key: str) -> None:
        resp = await self._send("DELETE", key)
        if resp.status_code not in (200, 204, 404):
            raise StorageError(f"DELETE {key}: {resp.status_code}")

    async def close(self) -> None:
        await self.client.aclose()


class StorageSettings(BaseSettings):
    """Mix into a service's settings; the names are shared (no service prefix)."""

    storage_backend: Literal["local", "s3"] = Field("local", validation_alias="STORAGE_BACKEND")
    media_dir: Path | None = Field(None, validation_alias="MEDIA_DIR")
    media_public_url: str | None = Field(None, validation_alias="MEDIA_PUBLIC_URL")
    s3_endpoint_url: str | None = Field(None, validation_alias="S3_ENDPOINT_URL")
    s3_bucket: str | None = Field(None, validation_alias="S3_BUCKET")
    s3_region: str = Field("us-east-1", validation_alias="S3_REGION")
    s3_access_key_id: str | None = Field(None, validation_alias="S3_ACCESS_KEY_ID")
    s3_secret_access_key: str | None = Field(None, validation_alias="S3_SECRET_ACCESS_KEY")

    @model_validator(mode="after")
    def _s3_complete(self) -> "StorageSettings":
        if self.storage_backend == "s3":
            missing = [name for name, value in (("S3_ENDPOINT_URL", self.s3_endpoint_url),
                                                ("S3_BUCKET", self.s3_bucket),
                                                ("S3_ACCESS_KEY_ID", self.s3_access_key_id),
                                                ("S3_SECRET_ACCESS_KEY", self.s3_secret_access_key)) if not value]
            if missing:
                raise ValueError(f"STORAGE_BACKEND=s3 needs {', '.join(missing)}")
        return self


def build_storage(settings: StorageSettings, *, default_dir: Path, default_public_url: str) -> ObjectStorage:
    public_url = settings.media_public_url or default_public_url
    if settings.storage_backend == "s3":
        creds = Credentials(settings.s3_access_key_id or "", settings.s3_secret_access_key or "",
                            region=settings.s3_region)
        return S3Storage(endpoint_url=settings.s3_endpoint_url or "", bucket=settings.s3_bucket or "",
                         creds=creds, public_url=public_url)
    return LocalDirStorage(settings.media_dir or default_dir, public_url)
