from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings


class ReviewsSettings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEWS_", env_file=".env", extra="ignore")

    service_name: str = "reviews"
    # Ask the orders service when the purchases projection does not (yet) show the order as paid.
    verify_with_orders: bool = True
