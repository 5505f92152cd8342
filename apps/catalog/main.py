from __future__ import annotations

from fastapi import FastAPI

from apps.catalog import consumers
from apps.catalog.config import CatalogSettings
from apps.catalog.orm import Base
from apps.catalog.routers import ROUTERS
from kernel.service_app import ServiceSpec, Wiring, build_service_app
from kernel.storage import build_storage


def create_app(settings: CatalogSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or CatalogSettings()

    async def open_storage(app: FastAPI) -> None:
        app.state.storage = build_storage(settings, default_dir=settings.media_dir_default(),
                                          default_public_url=settings.media_url_default())

    async def close_storage(app: FastAPI) -> None:
        await app.state.storage.close()

    return build_service_app(ServiceSpec(name="catalog", settings=settings, metadata=Base.metadata,
                                         routers=ROUTERS,
                                         on_startup=[open_storage], on_shutdown=[close_storage],
                                         consumers=consumers.HANDLERS,
                                         description="Categories, brands, products, media."), wiring)
