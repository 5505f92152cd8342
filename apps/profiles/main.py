from __future__ import annotations

from fastapi import FastAPI

from apps.profiles.config import ProfilesSettings
from apps.profiles.orm import Base
from apps.profiles.routers import ROUTERS
from kernel.crypto import DataCipher
from kernel.encrypted_columns import use_column_cipher
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: ProfilesSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or ProfilesSettings()
    use_column_cipher(DataCipher.from_settings(settings))  # a malformed key stops startup, not the first request
    return build_service_app(ServiceSpec(name="profiles", settings=settings,
                                         metadata=Base.metadata, routers=ROUTERS,
                                         description="The signed-in user's profile and address book."), wiring)
