from __future__ import annotations

from fastapi import FastAPI

from apps.vendors import kyc_files, kyc_router
from apps.vendors.config import VendorsSettings
from apps.vendors.internal_router import internal_router
from apps.vendors.orm import Base
from apps.vendors.router import router
from kernel.crypto import DataCipher
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: VendorsSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or VendorsSettings()
    # Built before the app so a malformed DATA_ENCRYPTION_KEY stops startup instead of the first bank request.
    cipher = DataCipher.from_settings(settings)
    app = build_service_app(ServiceSpec(name="vendors", settings=settings, metadata=Base.metadata,
                                        routers=[router, kyc_router.router, internal_router],
                                        on_startup=[kyc_files.start], on_shutdown=[kyc_files.stop],
                                        description="Vendor onboarding, KYC, bank accounts, status and commission."),
                            wiring)
    app.state.cipher = cipher
    return app
