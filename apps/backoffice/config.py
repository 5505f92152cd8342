from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class BackofficeSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BACKOFFICE_", env_file=".env", extra="ignore")

    service_name: str = "backoffice"
    max_window_days: int = 3650
