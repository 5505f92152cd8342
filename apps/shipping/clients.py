"""Typed calls to other services (kernel ServiceClients underneath): only the orders lookup for labels."""
from __future__ import annotations

from urllib.parse import quote

from apps.shipping.projection import OrderFacts, facts_from
from kernel.errors import ServiceUnavailable
from kernel.service_client import ServiceClients


class OrdersClient:
    def __init__(self, clients: ServiceClients) -> None:
        self._clients = clients

    async def order(self, order_no: str) -> OrderFacts | None:
        """The order as the orders service sees it now; None when it does not know the number."""
        resp = await self._clients.request("orders", "GET", f"/internal/v1/orders/{quote(order_no, safe='')}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise ServiceUnavailable(f"The orders service answered {resp.status_code} for order {order_no}.")
        return facts_from(resp.json())
