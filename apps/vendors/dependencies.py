"""Request-scoped pieces the vendors routes share: its settings, the bank-account cipher, the KYC file storage and
the caller when signing in is optional."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from apps.vendors.config import VendorsSettings
from kernel.auth import CurrentUser, optional_user
from kernel.crypto import DataCipher
from kernel.storage import ObjectStorage
from kernel.service_app import from_state

OptionalUserDep = Annotated[CurrentUser | None, Depends(optional_user)]


SettingsDep = Annotated[VendorsSettings, Depends(from_state("settings"))]
CipherDep = Annotated[DataCipher, Depends(from_state("cipher"))]
KycStorageDep = Annotated[ObjectStorage, Depends(from_state("kyc_storage"))]
