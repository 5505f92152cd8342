from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, SigningSecretSettings


class WebSettings(BaseServiceSettings, SigningSecretSettings):
    """SECRET_KEY signs the pages' CSRF tokens."""

    model_config = SettingsConfigDict(env_prefix="WEB_", env_file=".env", extra="ignore")

    service_name: str = "web"
    # The public API the pages talk to. Empty in one-process mode: the composition root hands an in-process
    # client to the gateway instead (the pages still cross the gateway's auth and rate limit).
    api_base_url: str = ""
    gateway_url: str = Field("http://127.0.0.1:8000", validation_alias=AliasChoices("GATEWAY_URL"))
    api_timeout_seconds: float = 30.0
    # Secure cookies need HTTPS; the local stack serves plain HTTP on 127.0.0.1.
    cookie_secure: bool = False
