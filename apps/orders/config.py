from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from kernel.settings import BaseServiceSettings, DataEncryptionSettings
from pricing.settings import TaxRateSettings


class OrdersSettings(BaseServiceSettings, TaxRateSettings, DataEncryptionSettings):
    """TAX_RATE_BPS (shared with cart through the pricing package) and RESERVATION_TTL_MINUTES (inventory reads it
    too) are the product plan's names. DATA_ENCRYPTION_KEY encrypts each order's shipping address at rest."""

    model_config = SettingsConfigDict(env_prefix="ORDERS_", env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "orders"
    # The product plan's name, read without our prefix too: "MKT-" + a zero-padded PostgreSQL sequence.
    order_no_prefix: str = Field("MKT-", min_length=1, max_length=12, pattern=r"^[A-Z0-9-]+$",
                                 validation_alias=AliasChoices("ORDER_NO_PREFIX", "ORDERS_ORDER_NO_PREFIX"))
    order_no_digits: int = Field(8, ge=4, le=18)
    # How long a placed order's stock stays reserved (its payment window).
    reservation_ttl_minutes: int = Field(15, ge=1, le=7 * 24 * 60,
                                         validation_alias=AliasChoices("RESERVATION_TTL_MINUTES"))
    # Commission for a vendor the projection has not heard of yet (vendors' own default is 10%).
    default_commission_bps: int = Field(1000, ge=0, le=10_000)
    # Used only while the shipping service is not deployed (unreachable, or its quote route missing): a flat
    # rate for every service level so checkout works end to end. It must equal the cart summary's figure in the
    # same situation, so CART_FLAT_SHIPPING_MINOR configures both when ORDERS_SHIPPING_FALLBACK_MINOR is unset.
    shipping_fallback_enabled: bool = True
    shipping_fallback_minor: int = Field(500, ge=0, validation_alias=AliasChoices(
        "ORDERS_SHIPPING_FALLBACK_MINOR", "CART_FLAT_SHIPPING_MINOR", "shipping_fallback_minor"))
    shipping_fallback_eta_days: int | None = None
    # The unpaid-order sweeper (cancels orders past expires_at and gives their stock and coupon back).
    sweep_interval_seconds: float = Field(5.0, gt=0)
    sweep_batch_size: int = Field(50, ge=1, le=1000)
    run_sweeper: bool = True
    max_items_per_order: int = Field(100, ge=1, le=500)
    # A checkout takes an orders-database connection only for its three short transactions (claim the
    # Idempotency-Key; read the vendor projection and the order number; write the order), never across its calls
    # to cart, profiles, shipping, coupons and inventory (use_cases/place_order.py). This bulkhead bounds the
    # checkouts in flight per process, each fanning out to up to six calls whose services take their own
    # connections: 16 matches the default pool (DB_POOL_SIZE 5 + DB_MAX_OVERFLOW 10, rounded up), so a burst
    # queues here with a clear 503 rather than on the pool's timeout.
    checkout_concurrency: int = Field(16, ge=1, le=1000)
    checkout_queue_timeout_seconds: float = Field(30.0, gt=0)
    # A duplicate request (same Idempotency-Key) that arrives while the first is still placing its order polls
    # for the first's answer this long, then gets 409 checkout-in-progress with Retry-After.
    checkout_key_wait_seconds: float = Field(10.0, ge=0, le=120)
    # A claim still pending after this long is presumed dead (its process stopped between claim and write) and
    # may be taken over by a retry; it must exceed the slowest checkout. The dead one's reservation expires by
    # its TTL; settle/release are fenced on the claim, so the slow one can never also keep its order.
    checkout_claim_stale_seconds: float = Field(120.0, ge=5, le=24 * 3600)
