from __future__ import annotations

from fastapi import FastAPI

from apps.backoffice.analytics import ping_warehouse
from apps.backoffice.config import BackofficeSettings
from apps.backoffice.orm import Base
from apps.backoffice.router import router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: BackofficeSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    app = build_service_app(ServiceSpec(name="backoffice", settings=settings or BackofficeSettings(),
                                        metadata=Base.metadata, routers=[router], readiness={"warehouse": ping_warehouse},
                                        description="Back office data: analytics for admins and vendors."), wiring)
    return app
