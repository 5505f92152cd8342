from __future__ import annotations

from fastapi import FastAPI

from apps.search.config import SearchSettings
from apps.search.orm import Base
from apps.search.router import router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: SearchSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(
        name="search", settings=settings or SearchSettings(), metadata=Base.metadata, routers=[router],
        description="Product search on Typesense: keyword with typos and synonyms, semantic, facets, suggest."),
        wiring)
