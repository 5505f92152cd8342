from __future__ import annotations

from fastapi import FastAPI

from apps.catalog.config import CatalogSettings
from apps.catalog.orm import Base
from apps.catalog.router import router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: CatalogSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(name="catalog", settings=settings or CatalogSettings(),
                                         metadata=Base.metadata, routers=[router],
                                         description="Categories, products and media."), wiring)
