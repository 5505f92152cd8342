from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class GatewaySettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_file=".env", extra="ignore")

    service_name: str = "gateway"
    upstream_timeout_seconds: float = 15.0
    trust_forwarded_for: bool = False
    # Publish every 5xx answer as a gateway.server_error event (ops.v1) for the 5xx-burst alert.
    record_server_errors: bool = True
    server_error_queue: int = 1000
    # The product plan's names, read without our prefix.
    rate_limit_per_minute: int = Field(600, validation_alias=AliasChoices("RATE_LIMIT_PER_MINUTE"))
    rate_limit_burst: int = Field(100, validation_alias=AliasChoices("RATE_LIMIT_BURST"))
    allowed_origins: str = Field("http://localhost:3000,http://127.0.0.1:3000",
                                 validation_alias=AliasChoices("ALLOWED_ORIGINS"))

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]
