from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI

from apps.auth.config import AuthSettings
from apps.auth.consumers import CONSUMERS
from apps.auth.orm import Base
from apps.auth.routers import ROUTERS
from apps.auth.tokens import TokenIssuer
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: AuthSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or AuthSettings()
    issuer = TokenIssuer.from_settings(settings)
    wiring = wiring or Wiring()
    if wiring.jwks_loader is None:
        async def own_keys() -> dict:
            return issuer.jwks()

        wiring = replace(wiring, jwks_loader=own_keys)
    app = build_service_app(ServiceSpec(name="auth", settings=settings, metadata=Base.metadata,
                                        routers=ROUTERS,
                                        consumers=CONSUMERS, description="Accounts, sessions and token signing."),
                            wiring)
    app.state.issuer = issuer
    return app
