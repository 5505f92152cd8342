"""Request-scoped pieces the vendors routes share: its settings, the bank-account cipher, the KYC file storage and
the caller when signing in is optional."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from apps.vendors.config import VendorsSettings
from kernel.auth import CurrentUser, optional_user
from kernel.crypto import DataCipher
from kernel.storage import ObjectStorage

OptionalUserDep = Annotated[CurrentUser | None, Depends(optional_user)]


def _settings(request: Request) -> VendorsSettings:
    return request.app.state.settings


def _cipher(request: Request) -> DataCipher:
    return request.app.state.cipher


def _kyc_storage(request: Request) -> ObjectStorage:
    return request.app.state.kyc_storage


SettingsDep = Annotated[VendorsSettings, Depends(_settings)]
CipherDep = Annotated[DataCipher, Depends(_cipher)]
KycStorageDep = Annotated[ObjectStorage, Depends(_kyc_storage)]
