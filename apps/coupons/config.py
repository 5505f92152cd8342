from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class CouponsSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COUPONS_", env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "coupons"
    # Currency of a coupon created without one (its fixed value, minimum order and cap are in it).
    default_currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    max_scopes: int = Field(200, ge=1)
