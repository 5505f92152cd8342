"""Typed calls to other services (kernel ServiceClients underneath): only the orders lookup for labels."""
from __future__ import annotations

from urllib.parse import quote

from apps.shipping.projection import OrderFacts, facts_from
from kernel.service_client import ServiceClients


class OrdersClient:
    def __init__(self, clients: ServiceClients) -> None:
        self._clients = clients

    async def order(self, order_no: str) -> OrderFacts | None:
        """The order as the orders service sees it now; None when it does not know the number."""
        body = await self._clients.get_json("orders", f"/internal/v1/orders/{quote(order_no, safe='')}",
                                            what=f"order {order_no}")
        return facts_from(body) if body is not None else None
