from __future__ import annotations

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
