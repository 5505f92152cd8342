from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, secret

# Works locally; refused outside ENV=dev|test.
DEV_WEBHOOK_SECRET = "whsec_dev_change_me"


def _plan_name(name: str) -> AliasChoices:
    """The product plan's own name (PAYMENT_FEE_BPS) or the prefixed one (PAYMENTS_PAYMENT_FEE_BPS)."""
    return AliasChoices(name, f"PAYMENTS_{name}", name.lower())


class PaymentsSettings(BaseServiceSettings):
    """The payments service's own settings, WEBHOOK_SECRET included (no other process holds it)."""

    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", env_file=".env", extra="ignore",
                                      populate_by_name=True)

    service_name: str = "payments"
    # PAYMENTS_PROVIDER: "auto" (the default) uses Stripe when STRIPE_SECRET_KEY is set, else the simulated
    # provider that behaves like Stripe; "stripe" without the stripe package or a key is refused at startup.
    provider: Literal["auto", "simulated", "stripe"] = "auto"
    stripe_secret_key: str = Field("", validation_alias=AliasChoices("STRIPE_SECRET_KEY", "stripe_secret_key"))
    # Verifies the payment provider's webhook signatures (Stripe's whsec_...).
    webhook_secret: str = secret(DEV_WEBHOOK_SECRET, "WEBHOOK_SECRET")
    # Stripe's own signature tolerance: a webhook older (or newer) than this is refused as a replay.
    webhook_tolerance_seconds: int = Field(300, ge=1, le=3600)
    # The payment provider's fee per captured order (basis points of the total + a fixed part), charged to
    # vendors in proportion to their gross.
    payment_fee_bps: int = Field(290, ge=0, le=10_000, validation_alias=_plan_name("PAYMENT_FEE_BPS"))
    payment_fee_fixed_minor: int = Field(30, ge=0, le=1_000_000,
                                         validation_alias=_plan_name("PAYMENT_FEE_FIXED_MINOR"))
    # Earnings become payable this many days after delivery (the shopper's return window).
    return_window_days: float = Field(14, ge=0, le=365, validation_alias=_plan_name("RETURN_WINDOW_DAYS"))
    sweep_interval_seconds: float = Field(30.0, gt=0)
    sweep_batch_size: int = Field(200, ge=1, le=10_000)
    run_sweeper: bool = True
