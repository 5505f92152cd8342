from __future__ import annotations

from fastapi import FastAPI

from apps.catalog import consumers
from apps.catalog.cache_invalidation import watch_commits
from apps.catalog.config import CatalogSettings
from apps.catalog.orm import Base
from apps.catalog.read_cache import ReadCache
from apps.catalog.routers import ROUTERS
from kernel.cached_read import STATE_ATTR
from kernel.redis_guard import request_path_client
from kernel.service_app import ServiceSpec, Wiring, build_service_app
from kernel.storage import build_storage

# What the public reads are built from; a commit touching any of these invalidates the read cache.
PUBLIC_TABLES = ("products", "product_variants", "product_images", "product_categories", "categories", "brands",
                 "vendors")


def create_app(settings: CatalogSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or CatalogSettings()

    async def open_storage(app: FastAPI) -> None:
        app.state.storage = build_storage(settings, default_dir=settings.media_dir_default(),
                                          default_public_url=settings.media_url_default())

    async def close_storage(app: FastAPI) -> None:
        await app.state.storage.close()

    async def open_read_cache(app: FastAPI) -> None:
        client = (request_path_client(settings.redis_url, timeout_seconds=0.25)
                  if settings.read_cache_enabled else None)
        app.state.read_cache = cache = ReadCache(
            client, enabled=settings.read_cache_enabled, refresh_seconds=settings.read_cache_refresh_seconds,
            max_entries=settings.read_cache_max_entries, max_bytes=settings.read_cache_max_bytes,
            max_age_seconds=settings.read_cache_max_age_seconds)
        watch_commits(app.state.db.sessions, PUBLIC_TABLES, cache.written)
        # A gateway hosting the catalog in its process answers cache hits through this hook (kernel/cached_read.py).
        setattr(app.state, STATE_ATTR, cache.lookup)

    async def close_read_cache(app: FastAPI) -> None:
        await app.state.read_cache.close()

    return build_service_app(ServiceSpec(name="catalog", settings=settings, metadata=Base.metadata,
                                         routers=ROUTERS,
                                         on_startup=[open_storage, open_read_cache],
                                         on_shutdown=[close_storage, close_read_cache],
                                         consumers=consumers.HANDLERS,
                                         description="Categories, brands, products, media."), wiring)
