from __future__ import annotations

from typing import Literal

from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class ServingSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SERVING_", env_file=".env", extra="ignore")

    service_name: str = "serving"
    # Registered names are `<prefix>marketplace-<kind>`; tests use a prefix of their own.
    model_name_prefix: str = ""
    # How often the alias of each champion is checked; a new version is loaded without a restart.
    model_poll_seconds: float = 30.0
    # Recommendations: how long a user's cached answers live (a purchase drops them at once), and how often the
    # request log (ai_reco_requests/results + events) is written in one batch.
    reco_cache_ttl_seconds: int = 300
    reco_log_flush_seconds: float = 0.5
    # Fraud: "enforce" — orders and payments act on the decisions (hold, cancel, refund); "shadow" — every order is
    # still scored, stored and announced, but fraud.decided says enforced=false and nothing is held (to measure a
    # model before it may stop orders, and for test sessions whose shoppers all share one address).
    fraud_mode: Literal["enforce", "shadow"] = "enforce"
    # How long scoring waits for the Feast online store before scoring without its features.
    fraud_feature_timeout_seconds: float = 2.0

    def model_name(self, kind: str) -> str:
        return f"{self.model_name_prefix}marketplace-{kind}"
