from __future__ import annotations

from fastapi import FastAPI

from apps.orders.clients import OrderClients
from apps.orders.config import OrdersSettings
from apps.orders.consumers import build_reactions
from apps.orders.orm import Base
from apps.orders.routers import ROUTERS
from apps.orders.sweeper import start_sweeper, stop_sweeper
from kernel.crypto import DataCipher
from kernel.encrypted_columns import use_column_cipher
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: OrdersSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or OrdersSettings()
    use_column_cipher(DataCipher.from_settings(settings))  # a malformed key stops startup, not the first order
    return build_service_app(ServiceSpec(
        name="orders", settings=settings, metadata=Base.metadata,
        routers=ROUTERS,
        consumers=lambda app: build_reactions(OrderClients(app.state.service_clients)),
        on_startup=[start_sweeper], on_shutdown=[stop_sweeper],
        description="Checkout, orders split per vendor, fulfilment status, returns."), wiring)
