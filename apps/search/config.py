from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class SearchSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SEARCH_", env_file=".env", extra="ignore")

    service_name: str = "search"
