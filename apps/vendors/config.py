from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, DataEncryptionSettings


class VendorsSettings(BaseServiceSettings, DataEncryptionSettings):
    """DATA_ENCRYPTION_KEY encrypts bank account numbers at rest (accounts.py)."""

    model_config = SettingsConfigDict(env_prefix="VENDORS_", env_file=".env", extra="ignore")

    service_name: str = "vendors"
    # Applied at approval when the admin names no commission (VENDORS_DEFAULT_COMMISSION_PERCENT=10 → 10%).
    default_commission_percent: Decimal = Field(Decimal("10"), ge=0, le=100)
    max_bank_accounts: int = 10
    max_kyc_documents: int = 50
