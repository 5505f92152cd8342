from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, DataEncryptionSettings


class ProfilesSettings(BaseServiceSettings, DataEncryptionSettings):
    """DATA_ENCRYPTION_KEY encrypts phones and street lines at rest (kernel/encrypted_columns.py)."""

    model_config = SettingsConfigDict(env_prefix="PROFILES_", env_file=".env", extra="ignore")

    service_name: str = "profiles"
    # An address book, not a mailing list: a cap keeps one account from storing unbounded PII.
    max_addresses_per_user: int = 20
