"""Which provider runs: chosen once from settings when the app is built, so a bad choice stops startup."""
from __future__ import annotations

from apps.payments.config import PaymentsSettings
from apps.payments.providers.base import PaymentProvider
from apps.payments.providers.simulated import SimulatedProvider
from apps.payments.providers.stripe_provider import StripeProvider


def provider_name(settings: PaymentsSettings) -> str:
    if settings.provider == "auto":
        return "stripe" if settings.stripe_secret_key else "simulated"
    return settings.provider


def build_provider(settings: PaymentsSettings) -> PaymentProvider:
    """Raises ProviderConfigError (with what to do) when Stripe is chosen but cannot run."""
    if provider_name(settings) == "stripe":
        return StripeProvider(secret_key=settings.stripe_secret_key, webhook_secret=settings.webhook_secret,
                              tolerance=settings.webhook_tolerance_seconds)
    return SimulatedProvider(webhook_secret=settings.webhook_secret, tolerance=settings.webhook_tolerance_seconds)
