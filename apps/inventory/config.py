from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class InventorySettings(BaseServiceSettings):
    """RESERVATION_TTL_MINUTES is the product plan's name (orders reads it too); the rest are ours alone."""

    model_config = SettingsConfigDict(env_prefix="INVENTORY_", env_file=".env", extra="ignore")

    service_name: str = "inventory"
    # A reservation's lifetime when the caller names none.
    reservation_ttl_minutes: int = Field(15, ge=1, le=7 * 24 * 60,
                                         validation_alias=AliasChoices("RESERVATION_TTL_MINUTES"))
    # How often the sweeper looks for expired reservations, and how many it releases per transaction.
    sweep_interval_seconds: float = Field(5.0, gt=0)
    sweep_batch_size: int = Field(100, ge=1, le=10_000)
    run_sweeper: bool = True
