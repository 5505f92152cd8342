"""Typed calls to other services' internal APIs (only where a user waits)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from kernel.errors import ServiceUnavailable
from kernel.service_client import ServiceClients


async def fetch_order(clients: ServiceClients, order_no: str) -> dict[str, Any] | None:
    """orders' GET /internal/v1/orders/{orderNo}: the order plus userId; None when orders does not know it."""
    resp = await clients.request("orders", "GET", f"/internal/v1/orders/{quote(order_no, safe='')}")
    if resp.status_code == 404:
        return None
    if resp.status_code != 200:
        raise ServiceUnavailable(f"The orders service answered {resp.status_code} for order {order_no!r}.")
    body = resp.json()
    return body if isinstance(body, dict) else None
