from __future__ import annotations

from fastapi import FastAPI

from apps.search.config import SearchSettings
from apps.search.consumers import CONSUMERS
from apps.search.lifecycle import engine_ready, start_search, start_sync, stop_search, stop_sync
from apps.search.orm import Base
from apps.search.router import router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: SearchSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    app: FastAPI | None = None

    async def typesense() -> dict:
        return await engine_ready(app)

    app = build_service_app(ServiceSpec(
        name="search", settings=settings or SearchSettings(), metadata=Base.metadata, routers=[router],
        consumers=CONSUMERS, on_startup=[start_search, start_sync], on_shutdown=[stop_sync, stop_search],
        readiness={"typesense": typesense},
        description="Product search on Typesense: keyword with typos and synonyms, semantic, facets, suggest."),
        wiring)
    return app
