"""Events produced by the payments domain (topic payments.v1).

Keys: orderNo for everything about one order's money (intents, payments, refunds), so an order's payment events
stay in order on one partition; vendorId for earnings and payouts, so a vendor's balance history stays in order.
Amounts are integer minor units of `currency`.

Renamed to the product plan's spelling (issue 13): payment.intent_created → payment.intent.created. Producers emit
the new name; the old one is a deprecated name of the same contract, which every consumer still accepts
(kernel.consumer resolves it; the warehouse views, stream agents and feature SQL list both). Services' consumers may
drop the old name once every producer runs the renaming release and the outbox retention after it
(OUTBOX_RETENTION_DAYS, 7 days: `mkt outbox replay` can republish older rows) has passed, i.e. not before
2027-01-04. SQL over stored history (warehouse views, training sets) keeps both names for as long as events stored
under the old name are kept.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import PAYMENTS

EarningStatus = Literal["pending", "eligible", "paid", "void"]
PayoutStatus = Literal["requested", "processing", "paid", "failed"]


class IntentCreated(Payload):
    intent_id: str = Field(alias="intentId")
    order_no: str = Field(alias="orderNo")
    user_id: str | None = Field(None, alias="userId")
    amount_minor: int = Field(alias="amountMinor", ge=0)
    currency: str
    provider: str
    created_at: datetime | None = Field(None, alias="createdAt")
    # The card as the provider describes it (fingerprint = same card across accounts), for fraud features.
    card_fingerprint: str | None = Field(None, alias="cardFingerprint", max_length=64)
    card_country: str | None = Field(None, alias="cardCountry", max_length=2)
    billing_country: str | None = Field(None, alias="billingCountry", max_length=2)


class PaymentSucceeded(Payload):
    payment_id: str = Field(alias="paymentId")
    intent_id: str = Field(alias="intentId")
    order_no: str = Field(alias="orderNo")
    amount_minor: int = Field(alias="amountMinor", ge=0)
    currency: str
    provider: str
    provider_event_id: str | None = Field(None, alias="providerEventId")
    succeeded_at: datetime = Field(alias="succeededAt")
    # The card as the provider describes it (fingerprint = same card across accounts), for fraud features.
    card_fingerprint: str | None = Field(None, alias="cardFingerprint", max_length=64)
    card_country: str | None = Field(None, alias="cardCountry", max_length=2)
    billing_country: str | None = Field(None, alias="billingCountry", max_length=2)


class PaymentFailed(Payload):
    intent_id: str = Field(alias="intentId")
    order_no: str = Field(alias="orderNo")
    # "card_declined"-like provider codes, or "amount_mismatch" when the provider captured another amount.
    reason: str
    amount_minor: int | None = Field(None, alias="amountMinor")
    currency: str | None = None
    provider: str | None = None
    failed_at: datetime | None = Field(None, alias="failedAt")
    # The card as the provider describes it (fingerprint = same card across accounts), for fraud features.
    card_fingerprint: str | None = Field(None, alias="cardFingerprint", max_length=64)
    card_country: str | None = Field(None, alias="cardCountry", max_length=2)
    billing_country: str | None = Field(None, alias="billingCountry", max_length=2)


class RefundLine(Payload):
    sku: str
    qty: int = Field(ge=1)


class PaymentRefunded(Payload):
    refund_id: str = Field(alias="refundId")
    order_no: str = Field(alias="orderNo")
    payment_id: str | None = Field(None, alias="paymentId")
    amount_minor: int = Field(alias="amountMinor", ge=1)
    currency: str
    reason: str
    full: bool
    refunded_total_minor: int | None = Field(None, alias="refundedTotalMinor")
    captured_minor: int | None = Field(None, alias="capturedMinor")
    items: list[RefundLine] | None = None
    rma_id: str | None = Field(None, alias="rmaId")
    status: Literal["pending", "succeeded"] = "succeeded"
    refunded_at: datetime | None = Field(None, alias="refundedAt")


class PayoutRequested(Payload):
    payout_id: str = Field(alias="payoutId")
    vendor_id: str = Field(alias="vendorId")
    amount_minor: int = Field(alias="amountMinor", ge=1)
    currency: str
    requested_at: datetime | None = Field(None, alias="requestedAt")


class PayoutProcessed(Payload):
    payout_id: str = Field(alias="payoutId")
    vendor_id: str = Field(alias="vendorId")
    amount_minor: int = Field(alias="amountMinor", ge=1)
    status: PayoutStatus
    previous_status: PayoutStatus | None = Field(None, alias="previousStatus")
    currency: str | None = None
    processed_at: datetime | None = Field(None, alias="processedAt")


class EarningRecorded(Payload):
    """A vendor's earning for one order, after every change (recorded, eligible, refund, paid, void)."""

    earning_id: str | None = Field(None, alias="earningId")
    vendor_id: str = Field(alias="vendorId")
    order_no: str = Field(alias="orderNo")
    gross_minor: int = Field(alias="grossMinor")
    commission_minor: int = Field(alias="commissionMinor")
    fees_minor: int = Field(alias="feesMinor")
    net_minor: int = Field(alias="netMinor")
    refunded_minor: int = Field(0, alias="refundedMinor")  # gross given back to shoppers so far
    currency: str | None = None
    status: EarningStatus
    change: Literal["recorded", "eligible", "refund", "paid", "void"] = "recorded"
    eligible_at: datetime | None = Field(None, alias="eligibleAt")
    at: datetime | None = None


CONTRACTS = [
    Contract("payment.intent.created", 1, PAYMENTS, IntentCreated, ("payment.intent_created",)),
    Contract("payment.succeeded", 1, PAYMENTS, PaymentSucceeded),
    Contract("payment.failed", 1, PAYMENTS, PaymentFailed),
    Contract("payment.refunded", 1, PAYMENTS, PaymentRefunded),
    Contract("payout.requested", 1, PAYMENTS, PayoutRequested),
    Contract("payout.processed", 1, PAYMENTS, PayoutProcessed),
    Contract("earning.recorded", 1, PAYMENTS, EarningRecorded),
]
