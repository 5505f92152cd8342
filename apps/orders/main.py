from __future__ import annotations

from fastapi import FastAPI

from apps.orders import admin_router, router
from apps.orders.config import OrdersSettings
from apps.orders.consumers import Reactions
from apps.orders.orm import Base
from apps.orders.sweeper import start_sweeper, stop_sweeper
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: OrdersSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    reactions = Reactions()
    return build_service_app(ServiceSpec(
        name="orders", settings=settings or OrdersSettings(), metadata=Base.metadata,
        routers=[router.router, admin_router.router, admin_router.internal_router],
        consumers=reactions.handlers(), on_startup=[reactions.bind, start_sweeper], on_shutdown=[stop_sweeper],
        description="Checkout, orders split per vendor, fulfilment status, returns."), wiring)
