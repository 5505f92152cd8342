from __future__ import annotations

from fastapi import FastAPI

from apps.tracking.config import TrackingSettings
from apps.tracking.orm import Base
from apps.tracking.router import router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: TrackingSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(name="tracking", settings=settings or TrackingSettings(),
                                         metadata=Base.metadata, routers=[router],
                                         description="Clickstream ingest for storefront events."), wiring)
