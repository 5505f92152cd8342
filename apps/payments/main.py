from __future__ import annotations

from fastapi import FastAPI

from apps.payments.config import PaymentsSettings
from apps.payments.consumers import build_consumers
from apps.payments.orm import Base
from apps.payments.providers.factory import build_provider
from apps.payments.routers import ROUTERS
from apps.payments.sweeper import start_sweeper, stop_sweeper
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: PaymentsSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or PaymentsSettings()
    # Built here, not at first use: a provider that cannot run (Stripe without its package) stops startup.
    provider = build_provider(settings)
    app = build_service_app(ServiceSpec(
        name="payments", settings=settings, metadata=Base.metadata, routers=ROUTERS,
        consumers=build_consumers(settings, provider), on_startup=[start_sweeper], on_shutdown=[stop_sweeper],
        description="Payment intents, signed provider webhooks, refunds, vendor earnings and payouts."), wiring)
    app.state.provider = provider
    return app
