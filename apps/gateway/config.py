from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class GatewaySettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_file=".env", extra="ignore")

    service_name: str = "gateway"
    # Where each service listens when deployed alone (`mkt serve <service> --port N`); JSON in GATEWAY_SERVICE_URLS.
    service_urls: dict[str, str] = Field(default_factory=lambda: {
        "auth": "http://127.0.0.1:8101",
        "catalog": "http://127.0.0.1:8102",
        "profiles": "http://127.0.0.1:8103",
        "vendors": "http://127.0.0.1:8104",
        "inventory": "http://127.0.0.1:8105",
    })
    upstream_timeout_seconds: float = 15.0
    trust_forwarded_for: bool = False
