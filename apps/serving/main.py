from __future__ import annotations

from fastapi import FastAPI

from apps.serving.config import ServingSettings
from apps.serving.consumers import build_consumers
from apps.serving.lifecycle import (models_status, start_champions, start_recommendations, start_vendor_insights,
                                    stop_champions, stop_recommendations, stop_vendor_insights)
from apps.serving.orm import Base
from apps.serving.routers import ROUTERS
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: ServingSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    app: FastAPI | None = None

    async def models() -> dict:
        return await models_status(app)

    app = build_service_app(ServiceSpec(
        name="serving", settings=settings or ServingSettings(), metadata=Base.metadata,
        routers=ROUTERS,
        consumers=build_consumers,
        on_startup=[start_champions, start_recommendations, start_vendor_insights],
        on_shutdown=[stop_vendor_insights, stop_recommendations, stop_champions],
        readiness={"models": models},
        description="The models in front of their users: recommendations, fraud scores, forecasts, prices."),
        wiring)
    return app
