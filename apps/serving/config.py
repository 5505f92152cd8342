from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class ServingSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SERVING_", env_file=".env", extra="ignore")

    service_name: str = "serving"
    mlflow_tracking_uri: str = Field("http://127.0.0.1:15000", validation_alias=AliasChoices("MLFLOW_TRACKING_URI"))
    # Registered names are `<prefix>marketplace-<kind>`; tests use a prefix of their own.
    model_name_prefix: str = ""
    # How often the alias of each champion is checked; a new version is loaded without a restart.
    model_poll_seconds: float = 30.0
    # Recommendations: how long a user's cached answers live (a purchase drops them at once), and how often the
    # request log (ai_reco_requests/results + events) is written in one batch.
    reco_cache_ttl_seconds: int = 300
    reco_log_flush_seconds: float = 0.5
    # Fraud: "enforce" — orders and payments act on the decisions (hold, cancel, refund); "shadow" — every order is
    # still scored, stored, queued for review and announced, but fraud.decided says enforced=false and nothing is
    # held automatically (the risk team's decisions still act). Unset: enforce in staging/prod, shadow in dev/test,
    # where several processes share one broker and consumer groups (a test's order must not be held by a dev
    # server's model); set SERVING_FRAUD_MODE=enforce to see holds locally.
    fraud_mode: Literal["enforce", "shadow"] | None = None
    # How long scoring waits for the Feast online store before scoring without its features.
    fraud_feature_timeout_seconds: float = 2.0

    @model_validator(mode="after")
    def _fraud_mode_by_environment(self) -> "ServingSettings":
        if self.fraud_mode is None:
            self.fraud_mode = "shadow" if self.env in ("dev", "test") else "enforce"
        return self

    def model_name(self, kind: str) -> str:
        return f"{self.model_name_prefix}marketplace-{kind}"
