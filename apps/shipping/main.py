from __future__ import annotations

from fastapi import FastAPI

from apps.shipping.config import ShippingSettings
from apps.shipping.consumers import CONSUMERS
from apps.shipping.orm import Base
from apps.shipping.rate_admin import router as rate_admin_router
from apps.shipping.router import internal_router, router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: ShippingSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(
        name="shipping", settings=settings or ShippingSettings(), metadata=Base.metadata,
        routers=[router, internal_router, rate_admin_router], consumers=CONSUMERS,
        description="Shipping rates and quotes, labels with tracking numbers, carrier tracking updates."), wiring)
