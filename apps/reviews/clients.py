"""Typed calls to other services: the orders lookup that verifies a purchase the events have not shown yet."""
from __future__ import annotations

from urllib.parse import quote

from apps.reviews.purchases import PurchaseFacts, facts_from
from kernel.errors import ServiceUnavailable
from kernel.service_client import ServiceClients


class OrdersClient:
    def __init__(self, clients: ServiceClients) -> None:
        self._clients = clients

    async def order(self, order_no: str) -> PurchaseFacts | None:
        """None when the orders service does not know the number; ServiceUnavailable when it cannot answer."""
        resp = await self._clients.request("orders", "GET", f"/internal/v1/orders/{quote(order_no, safe='')}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise ServiceUnavailable(f"The orders service answered {resp.status_code} for order {order_no}.")
        return facts_from(resp.json())
