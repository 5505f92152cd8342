from __future__ import annotations

from fastapi import FastAPI

from apps.auth.config import AuthSettings
from apps.auth.orm import Base
from apps.auth.router import router
from apps.auth.tokens import TokenIssuer
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: AuthSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or AuthSettings()
    issuer = TokenIssuer.from_settings(settings)
    wiring = wiring or Wiring()
    if wiring.jwks_loader is None:
        async def own_keys() -> dict:
            return issuer.jwks()

        wiring = Wiring(jwks_loader=own_keys, publisher=wiring.publisher, run_relay=wiring.run_relay)
    app = build_service_app(ServiceSpec(name="auth", settings=settings, metadata=Base.metadata, routers=[router],
                                        description="Accounts, sessions and token signing."), wiring)
    app.state.issuer = issuer
    return app
