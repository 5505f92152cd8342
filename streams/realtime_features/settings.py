"""STREAMS_FEATURES_* knobs of the real-time features; Feast's own addresses come from feast_store.py."""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import CommonSettings


class RealtimeFeaturesSettings(CommonSettings):
    model_config = SettingsConfigDict(env_prefix="STREAMS_FEATURES_", env_file=".env", extra="ignore",
                                      populate_by_name=True)

    enabled: bool = Field(True, description="false: consume and skip (a worker that only sinks the warehouse)")
    # Batching window of online pushes: the event -> online latency floor, and the rows-per-call lever.
    push_interval_seconds: float = Field(0.25, gt=0, le=60)
    # How often every key is re-evaluated as of now (windows slide even without events).
    refresh_seconds: float = Field(30.0, gt=0, le=3600)
