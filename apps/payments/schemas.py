"""The payments HTTP contract (API.md § Orders & payments, § Vendors earnings & payouts): camelCase JSON,
money as integer minor units, every field bounded."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from apps.payments.orm import ORDER_NO_MAX

MAX_AMOUNT = 10**12  # far above any real order, far below BIGINT, so arithmetic never overflows
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class SimulatedCard(_Model):
    fingerprint: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")


class IntentIn(_Model):
    order_no: str = Field(alias="orderNo", min_length=1, max_length=ORDER_NO_MAX)
    # The payment method chosen at checkout, as the provider describes it (fingerprint, issuing country): fraud
    # screening decides with it. Optional: a checkout that does not send it is decided when the payment lands.
    card: SimulatedCard | None = None


class IntentOut(_Model):
    intent_id: str = Field(alias="intentId")
    client_secret: str = Field(alias="clientSecret")
    provider: str
    amount_minor: int = Field(alias="amountMinor")
    currency: str
    order_no: str = Field(alias="orderNo")
    status: str


class SimulateIn(_Model):
    outcome: Literal["succeeded", "failed"]
    # Lets a test play a provider that captured a different amount than the intent asked for.
    amount_minor: int | None = Field(None, alias="amountMinor", ge=0, le=MAX_AMOUNT)
    failure_code: str = Field("card_declined", alias="failureCode", min_length=1, max_length=64)
    # The card the shopper presents, as the provider describes it back (Stripe: payment_method_details.card).
    card: SimulatedCard | None = None


class SimulateOut(_Model):
    event_id: str = Field(alias="eventId")
    type: str
    intent_id: str = Field(alias="intentId")
    webhook_status: int = Field(alias="webhookStatus")
    webhook: dict


class WebhookOut(_Model):
    received: bool = True
    duplicate: bool = False
    event_id: str = Field(alias="eventId")
    type: str
    outcome: str


class RefundLineIn(_Model):
    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1, le=100_000)


class RefundIn(_Model):
    amount_minor: int = Field(alias="amountMinor", ge=1, le=MAX_AMOUNT)
    reason: str = Field(min_length=1, max_length=500)
    items: list[RefundLineIn] | None = Field(None, max_length=200)
    rma_id: str | None = Field(None, alias="rmaId", min_length=1, max_length=64)

    @field_validator("items")
    @classmethod
    def _distinct_skus(cls, items: list[RefundLineIn] | None) -> list[RefundLineIn] | None:
        if items is not None and len({i.sku for i in items}) != len(items):
            raise ValueError("each sku at most once")
        return items


class RefundOut(_Model):
    refund_id: str = Field(alias="refundId")
    order_no: str = Field(alias="orderNo")
    amount_minor: int = Field(alias="amountMinor")
    currency: str
    reason: str
    status: str
    full: bool
    refunded_total_minor: int = Field(alias="refundedTotalMinor")
    captured_minor: int = Field(alias="capturedMinor")
    items: list[RefundLineIn] | None = None
    rma_id: str | None = Field(None, alias="rmaId")
    provider_refund_id: str | None = Field(None, alias="providerRefundId")
    created_at: datetime = Field(alias="createdAt")


class EarningOut(_Model):
    earning_id: str = Field(alias="earningId")
    order_no: str = Field(alias="orderNo")
    currency: str
    gross_minor: int = Field(alias="grossMinor")
    commission_minor: int = Field(alias="commissionMinor")
    fees_minor: int = Field(alias="feesMinor")
    net_minor: int = Field(alias="netMinor")
    refunded_minor: int = Field(alias="refundedMinor")
    paid_minor: int = Field(alias="paidMinor")
    status: str
    eligible_at: datetime | None = Field(None, alias="eligibleAt")
    created_at: datetime = Field(alias="createdAt")


class EarningsOut(_Model):
    vendor_id: str = Field(alias="vendorId")
    currency: str
    pending_minor: int = Field(alias="pendingMinor")
    eligible_minor: int = Field(alias="eligibleMinor")  # payable now, including what open payouts hold
    requested_minor: int = Field(alias="requestedMinor")  # held by requested/processing payouts
    available_minor: int = Field(alias="availableMinor")  # eligible − requested: what a new request may ask
    paid_minor: int = Field(alias="paidMinor")
    items: list[EarningOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")


class PayoutIn(_Model):
    amount_minor: int = Field(alias="amountMinor", ge=1, le=MAX_AMOUNT)
    currency: str = Field("USD", pattern=CURRENCY_PATTERN)


class PayoutPatch(_Model):
    status: Literal["processing", "paid", "failed"]
    note: str | None = Field(None, max_length=500)


class PayoutOut(_Model):
    payout_id: str = Field(alias="payoutId")
    vendor_id: str = Field(alias="vendorId")
    amount_minor: int = Field(alias="amountMinor")
    currency: str
    status: str
    note: str | None = None
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    processed_at: datetime | None = Field(None, alias="processedAt")


class PayoutList(_Model):
    items: list[PayoutOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")
