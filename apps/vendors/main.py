from __future__ import annotations

from fastapi import FastAPI

from apps.vendors.kyc_files import open_storage
from apps.vendors.config import VendorsSettings
from apps.vendors.orm import Base
from apps.vendors.routers import ROUTERS
from kernel.crypto import DataCipher
from kernel.service_app import ServiceSpec, Wiring, build_service_app


async def open_kyc_storage(app: FastAPI) -> None:
    app.state.kyc_storage = open_storage(app.state.settings)


async def close_kyc_storage(app: FastAPI) -> None:
    await app.state.kyc_storage.close()


def create_app(settings: VendorsSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or VendorsSettings()
    # Built before the app so a malformed DATA_ENCRYPTION_KEY stops startup instead of the first bank request.
    cipher = DataCipher.from_settings(settings)
    app = build_service_app(ServiceSpec(name="vendors", settings=settings, metadata=Base.metadata,
                                        routers=ROUTERS,
                                        on_startup=[open_kyc_storage], on_shutdown=[close_kyc_storage],
                                        description="Vendor onboarding, KYC, bank accounts, status and commission."),
                            wiring)
    app.state.cipher = cipher
    return app
