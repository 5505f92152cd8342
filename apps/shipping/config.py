from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, SigningSecretSettings


class ShippingSettings(BaseServiceSettings, SigningSecretSettings):
    """SECRET_KEY signs the links to shipping labels (queries.label_signature)."""

    model_config = SettingsConfigDict(env_prefix="SHIPPING_", env_file=".env", extra="ignore")

    service_name: str = "shipping"
    # Where parcels leave from: a destination in this country is "domestic", anywhere else "international".
    origin_country: str = Field("US", pattern=r"^[A-Z]{2}$")
    carrier: str = "MKT Express"
    # Used for items whose weight the caller does not know (catalog variants may have no weightGrams).
    default_item_weight_grams: int = Field(500, ge=1, le=100_000)
    # Carrier events may be back- or forward-dated (a simulator compresses time), but not beyond this window
    # after the label was made.
    max_event_window_days: int = Field(90, ge=1)
