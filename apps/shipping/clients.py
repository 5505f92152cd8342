"""Typed calls to other services (kernel ServiceClients underneath): only the orders lookup for labels."""
from __future__ import annotations

from apps.shipping.projections import OrderFacts, facts_from
from kernel.service_client import ResourceClient, ServiceClients

OrdersClient = ResourceClient[OrderFacts]


def orders_client(clients: ServiceClients) -> OrdersClient:
    """orders' `GET /internal/v1/orders/{orderNo}`, read as the facts a label needs (buyer, vendors, address)."""
    return ResourceClient(clients, service="orders", collection="orders", noun="order", parse=facts_from)
