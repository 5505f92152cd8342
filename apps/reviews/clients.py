"""Typed calls to other services: the orders lookup that verifies a purchase the events have not shown yet."""
from __future__ import annotations

from apps.reviews.projections import PurchaseFacts, facts_from
from kernel.service_client import ResourceClient, ServiceClients

OrdersClient = ResourceClient[PurchaseFacts]


def orders_client(clients: ServiceClients) -> OrdersClient:
    """orders' `GET /internal/v1/orders/{orderNo}`, read as the facts a review checks (buyer, status, products)."""
    return ResourceClient(clients, service="orders", collection="orders", noun="order", parse=facts_from)
