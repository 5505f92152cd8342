"""Typed calls to other services' internal APIs (only where a user waits)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from kernel.service_client import ServiceClients


async def fetch_order(clients: ServiceClients, order_no: str) -> dict[str, Any] | None:
    """orders' GET /internal/v1/orders/{orderNo}: the order plus userId; None when orders does not know it."""
    return await clients.get_json("orders", f"/internal/v1/orders/{quote(order_no, safe='')}",
                                  what=f"order {order_no!r}")
