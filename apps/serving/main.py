from __future__ import annotations

from fastapi import FastAPI

from apps.serving import fraud_router
from apps.serving.config import ServingSettings
from apps.serving.consumers import build_consumers
from apps.serving.lifecycle import models_status, start_champions, stop_champions
from apps.serving.orm import Base
from apps.serving.recommendations import routes as recommendation_routes
from apps.serving.recommendations.lifecycle import start_recommendations, stop_recommendations
from apps.serving.router import router
from apps.serving.vendor_insights_router import router as vendor_insights_router
from apps.serving.vendor_insights_router import start_vendor_insights, stop_vendor_insights
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: ServingSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    app: FastAPI | None = None

    async def models() -> dict:
        return await models_status(app)

    app = build_service_app(ServiceSpec(
        name="serving", settings=settings or ServingSettings(), metadata=Base.metadata,
        routers=[router, fraud_router.router, recommendation_routes.router, vendor_insights_router],
        consumers=build_consumers,
        on_startup=[start_champions, start_recommendations, start_vendor_insights],
        on_shutdown=[stop_vendor_insights, stop_recommendations, stop_champions],
        readiness={"models": models},
        description="The models in front of their users: recommendations, fraud scores, forecasts, prices."),
        wiring)
    return app
