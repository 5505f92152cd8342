from __future__ import annotations

from fastapi import FastAPI

from apps.inventory.config import InventorySettings
from apps.inventory.consumers import CONSUMERS
from apps.inventory.orm import Base
from apps.inventory.routers import ROUTERS
from apps.inventory.sweeper import start_sweeper, stop_sweeper
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: InventorySettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(
        name="inventory", settings=settings or InventorySettings(), metadata=Base.metadata,
        routers=ROUTERS, consumers=CONSUMERS,
        on_startup=[start_sweeper], on_shutdown=[stop_sweeper],
        description="Stock per SKU, availability and reservations for checkout."), wiring)
