from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings
from pricing.settings import TaxRateSettings


class CartSettings(BaseServiceSettings, TaxRateSettings):
    """TAX_RATE_BPS comes with the pricing package (orders must use the same rate); the rest are ours."""

    model_config = SettingsConfigDict(env_prefix="CART_", env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "cart"
    default_currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    max_lines: int = Field(50, ge=1, le=500)
    max_qty: int = Field(99, ge=1, le=10_000)
    # CART_FLAT_SHIPPING_MINOR: the checkout summary's shipping when the shipping service cannot quote (not
    # deployed, unreachable, or no destination given); orders must use the same figure in the same situation.
    flat_shipping_minor: int = Field(500, ge=0, le=10**9)
    # The Redis hot copy: how long an untouched cart stays cached, and how Redis failures degrade to PostgreSQL
    # (a short socket timeout, then Redis is skipped for a while instead of slowing every request).
    cache_ttl_seconds: int = Field(900, ge=1)
    cache_timeout_seconds: float = Field(0.25, gt=0, le=10)
    cache_retry_after_seconds: float = Field(5.0, ge=0, le=600)
