from __future__ import annotations

from fastapi import FastAPI

from apps.backoffice.analytics import ping_warehouse
from apps.backoffice.config import BackofficeSettings
from apps.backoffice.orm import Base
from apps.backoffice.routers import ROUTERS
from apps.backoffice.use_cases.seed_flags import seed
from kernel.flags import feature_flags_from
from kernel.service_app import ServiceSpec, Wiring, build_service_app


async def start_flags(app: FastAPI) -> None:
    app.state.flags = feature_flags_from(app.state.settings)
    await seed(app.state.flags)


async def stop_flags(app: FastAPI) -> None:
    await app.state.flags.close()


def create_app(settings: BackofficeSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    app = build_service_app(ServiceSpec(name="backoffice", settings=settings or BackofficeSettings(),
                                        metadata=Base.metadata, routers=ROUTERS,
                                        on_startup=[start_flags], on_shutdown=[stop_flags],
                                        readiness={"warehouse": ping_warehouse},
                                        description="Back office data: analytics for admins and vendors, "
                                                    "feature flags."), wiring)
    return app
