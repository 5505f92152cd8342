"""The one way every process reaches the warehouse: a clickhouse-connect client built from CLICKHOUSE_URL.

Locally the URL points at the chDB-owning process that serves ClickHouse's HTTP interface; in production at a
ClickHouse server or cluster. Only the URL changes, so no caller may special-case either.
Creating the database is the migration runner's job, not the client's: a typo in CLICKHOUSE_DATABASE must fail
loudly instead of silently creating an empty warehouse.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client

from kernel.settings import CommonSettings, common_settings

_DEFAULT_PORTS = {"http": 8123, "https": 8443}


@dataclass(frozen=True)
class WarehouseAddress:
    host: str
    port: int
    secure: bool
    username: str
    password: str


def parse_clickhouse_url(url: str) -> WarehouseAddress:
    """http(s)://[user[:password]@]host[:port] -> the pieces clickhouse_connect.get_client takes."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"CLICKHOUSE_URL must be http:// or https://, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"CLICKHOUSE_URL has no host: {url!r}")
    return WarehouseAddress(
        host=parts.hostname,
        port=parts.port or _DEFAULT_PORTS[scheme],
        secure=scheme == "https",
        username=unquote(parts.username) if parts.username else "default",
        password=unquote(parts.password) if parts.password else "",
    )


def warehouse_client(
    settings: CommonSettings | None = None, *, database: str | None = None, **kwargs: Any
) -> Client:
    """A client bound to the warehouse database (or `database`, e.g. "default" before it exists).

    Extra keyword arguments go to clickhouse_connect.get_client (timeouts, settings, compression).
    """
    settings = settings or common_settings()
    address = parse_clickhouse_url(settings.clickhouse_url)
    return clickhouse_connect.get_client(
        host=address.host,
        port=address.port,
        secure=address.secure,
        username=address.username,
        password=address.password,
        database=database or settings.clickhouse_database,
        **kwargs,
    )
