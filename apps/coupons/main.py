from __future__ import annotations

from fastapi import FastAPI

from apps.coupons.config import CouponsSettings
from apps.coupons.orm import Base
from apps.coupons.router import internal_router, router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: CouponsSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(
        name="coupons", settings=settings or CouponsSettings(), metadata=Base.metadata,
        routers=[router, internal_router],
        description="Coupons: rules, evaluation, and usage limits that hold under concurrency."), wiring)
