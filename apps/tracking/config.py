from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class TrackingSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRACKING_", env_file=".env", extra="ignore")

    service_name: str = "tracking"
    max_batch: int = 100
    # Storefront clocks drift and offline apps flush late; anything outside this window is refused, not guessed.
    max_age_hours: int = 24
    max_future_seconds: int = 300
