from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class WebSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WEB_", env_file=".env", extra="ignore")

    service_name: str = "web"
    # The public API the pages talk to. Empty in one-process mode: the composition root hands an in-process
    # client to the gateway instead (the pages still cross the gateway's auth and rate limit).
    api_base_url: str = ""
    api_timeout_seconds: float = 30.0
    # Secure cookies need HTTPS; the local stack serves plain HTTP on 127.0.0.1.
    cookie_secure: bool = False
