"""TAX_RATE_BPS, declared once for the two services that price a checkout (cart and orders mix it into their
settings), so they cannot read it under different names or bounds."""
from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pricing.checkout import MAX_TAX_RATE_BPS


class TaxRateSettings(BaseSettings):
    # The same configuration as the services' base, which pydantic merges with this mixin's.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True)

    # Sales tax in basis points on goods after discount (pricing/checkout.py); 0 = prices are tax-inclusive.
    tax_rate_bps: int = Field(0, ge=0, le=MAX_TAX_RATE_BPS, validation_alias=AliasChoices("TAX_RATE_BPS"))
