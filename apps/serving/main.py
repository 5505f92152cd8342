from __future__ import annotations

from fastapi import FastAPI

from apps.serving.config import ServingSettings
from apps.serving.orm import Base
from apps.serving.router import router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: ServingSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(
        name="serving", settings=settings or ServingSettings(), metadata=Base.metadata, routers=[router],
        description="The models in front of their users: recommendations, fraud scores, forecasts, prices."),
        wiring)
