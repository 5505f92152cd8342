"""The payments HTTP contract (API.md § Orders & payments, § Vendors earnings & payouts): camelCase JSON,
money as integer minor units, every field bounded."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from apps.payments.orm import ORDER_NO_MAX
from kernel.api_model import ApiModel
from kernel.paging import Page

MAX_AMOUNT = 10**12  # far above any real order, far below BIGINT, so arithmetic never overflows
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class SimulatedCard(ApiModel):
    fingerprint: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")


class IntentIn(ApiModel):
    order_no: str = Field(min_length=1, max_length=ORDER_NO_MAX)
    # The payment method chosen at checkout, as the provider describes it (fingerprint, issuing country): fraud
    # screening decides with it. Optional: a checkout that does not send it is decided when the payment lands.
    card: SimulatedCard | None = None


class IntentOut(ApiModel):
    intent_id: str
    client_secret: str
    provider: str
    amount_minor: int
    currency: str
    order_no: str
    status: str


class SimulateIn(ApiModel):
    outcome: Literal["succeeded", "failed"]
    # Lets a test play a provider that captured a different amount than the intent asked for.
    amount_minor: int | None = Field(None, ge=0, le=MAX_AMOUNT)
    failure_code: str = Field("card_declined", min_length=1, max_length=64)
    # The card the shopper presents, as the provider describes it back (Stripe: payment_method_details.card).
    card: SimulatedCard | None = None


class SimulateOut(ApiModel):
    event_id: str
    type: str
    intent_id: str
    webhook_status: int
    webhook: dict


class WebhookOut(ApiModel):
    received: bool = True
    duplicate: bool = False
    event_id: str
    type: str
    outcome: str


class RefundLineIn(ApiModel):
    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1, le=100_000)


class RefundIn(ApiModel):
    amount_minor: int = Field(ge=1, le=MAX_AMOUNT)
    reason: str = Field(min_length=1, max_length=500)
    items: list[RefundLineIn] | None = Field(None, max_length=200)
    rma_id: str | None = Field(None, min_length=1, max_length=64)

    @field_validator("items")
    @classmethod
    def _distinct_skus(cls, items: list[RefundLineIn] | None) -> list[RefundLineIn] | None:
        if items is not None and len({i.sku for i in items}) != len(items):
            raise ValueError("each sku at most once")
        return items


class RefundOut(ApiModel):
    refund_id: str
    order_no: str
    amount_minor: int
    currency: str
    reason: str
    status: str
    full: bool
    refunded_total_minor: int
    captured_minor: int
    items: list[RefundLineIn] | None = None
    rma_id: str | None = None
    provider_refund_id: str | None = None
    created_at: datetime


class EarningOut(ApiModel):
    earning_id: str
    order_no: str
    currency: str
    gross_minor: int
    commission_minor: int
    fees_minor: int
    net_minor: int
    refunded_minor: int
    paid_minor: int
    status: str
    eligible_at: datetime | None = None
    created_at: datetime


class EarningsOut(Page[EarningOut]):
    vendor_id: str
    currency: str
    pending_minor: int
    eligible_minor: int  # payable now, including what open payouts hold
    requested_minor: int  # held by requested/processing payouts
    available_minor: int  # eligible − requested: what a new request may ask
    paid_minor: int


class PayoutIn(ApiModel):
    amount_minor: int = Field(ge=1, le=MAX_AMOUNT)
    currency: str = Field("USD", pattern=CURRENCY_PATTERN)


class PayoutPatch(ApiModel):
    status: Literal["processing", "paid", "failed"]
    note: str | None = Field(None, max_length=500)


class PayoutOut(ApiModel):
    payout_id: str
    vendor_id: str
    amount_minor: int
    currency: str
    status: str
    note: str | None = None
    created_at: datetime
    updated_at: datetime
    processed_at: datetime | None = None


class PayoutList(Page[PayoutOut]):
    pass
