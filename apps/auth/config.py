from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, MailSettings


class AuthSettings(BaseServiceSettings, MailSettings):
    """Mail settings: the password-reset mail."""

    model_config = SettingsConfigDict(env_prefix="AUTH_", env_file=".env", extra="ignore")

    service_name: str = "auth"
    # PEM of the RS256 private key; in dev/test a key is generated once under STACK_DIR/keys.
    jwt_private_key: str | None = None
    reset_token_ttl_minutes: int = 30
    password_min_length: int = 8
    # The product plan's names, read without our prefix.
    access_token_ttl_minutes: int = Field(15, validation_alias=AliasChoices("ACCESS_TOKEN_TTL_MINUTES"))
    refresh_token_ttl_days: int = Field(30, validation_alias=AliasChoices("REFRESH_TOKEN_TTL_DAYS"))

    def signing_key_path(self) -> Path:
        return self.stack_dir / "keys" / "jwt-rs256.pem"
