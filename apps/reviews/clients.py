"""Typed calls to other services: the orders lookup that verifies a purchase the events have not shown yet."""
from __future__ import annotations

from urllib.parse import quote

from apps.reviews.purchases import PurchaseFacts, facts_from
from kernel.service_client import ServiceClients


class OrdersClient:
    def __init__(self, clients: ServiceClients) -> None:
        self._clients = clients

    async def order(self, order_no: str) -> PurchaseFacts | None:
        """None when the orders service does not know the number; ServiceUnavailable when it cannot answer."""
        body = await self._clients.get_json("orders", f"/internal/v1/orders/{quote(order_no, safe='')}",
                                            what=f"order {order_no}")
        return facts_from(body) if body is not None else None
