from __future__ import annotations

from fastapi import FastAPI

from apps.cart.cache import CartCache
from apps.cart.config import CartSettings
from apps.cart.consumers import HANDLERS
from apps.cart.orm import Base
from apps.cart.router import internal_router, router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: CartSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or CartSettings()

    async def open_cache(app: FastAPI) -> None:
        # Redis is the hot copy only: the service starts and serves from PostgreSQL while Redis is down.
        app.state.cart_cache = CartCache(settings.redis_url, ttl_seconds=settings.cache_ttl_seconds,
                                         timeout_seconds=settings.cache_timeout_seconds,
                                         retry_after_seconds=settings.cache_retry_after_seconds)

    async def close_cache(app: FastAPI) -> None:
        await app.state.cart_cache.close()

    return build_service_app(ServiceSpec(
        name="cart", settings=settings, metadata=Base.metadata, routers=[router, internal_router],
        consumers=HANDLERS, on_startup=[open_cache], on_shutdown=[close_cache],
        description="Shopping carts (PostgreSQL durable, Redis hot copy) and the checkout summary."), wiring)
