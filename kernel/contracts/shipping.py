"""Events produced by the shipping domain (topic shipping.v1; key = orderNo, so one order's shipments stay in
order with each other on one partition).

`shipping.delivered` carries the promise (label time + etaDays) next to the delivery time: it is the on-time
delivery ground truth for analytics, so `late` is decided once, by the service that made the promise.

Renamed to the product plan's spelling (issue 13): shipping.label_created → shipping.label.created,
shipping.status_updated → shipping.status.updated. Producers emit the new name; the old one is a deprecated name of
the same contract, which every consumer still accepts (kernel.consumer resolves it; the warehouse views, stream
agents and feature SQL list both). Services' consumers may drop the old name once every producer runs the renaming
release and the outbox retention after it (OUTBOX_RETENTION_DAYS, 7 days: `mkt outbox replay` can republish older
rows) has passed, i.e. not before 2027-01-04. SQL over stored history (warehouse views, training sets) keeps both
names for as long as events stored under the old name are kept.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import SHIPPING

ShipmentStatus = Literal["label_created", "in_transit", "out_for_delivery", "delivered", "exception"]
ServiceLevel = Literal["standard", "express"]


class LabelCreated(Payload):
    order_no: str = Field(alias="orderNo")
    vendor_id: str = Field(alias="vendorId")
    tracking_no: str = Field(alias="trackingNo")
    carrier: str
    service_level: ServiceLevel = Field(alias="serviceLevel")
    shipment_id: str | None = Field(None, alias="shipmentId")
    zone: Literal["domestic", "international"] | None = None
    destination_country: str | None = Field(None, alias="destinationCountry")
    eta_days: int | None = Field(None, alias="etaDays")
    promised_at: datetime | None = Field(None, alias="promisedAt")
    created_at: datetime | None = Field(None, alias="createdAt")


class StatusUpdated(Payload):
    tracking_no: str = Field(alias="trackingNo")
    order_no: str = Field(alias="orderNo")
    vendor_id: str = Field(alias="vendorId")
    status: ShipmentStatus
    previous_status: ShipmentStatus | None = Field(None, alias="previousStatus")
    location: str | None = None
    at: datetime | None = None


class Delivered(Payload):
    tracking_no: str = Field(alias="trackingNo")
    order_no: str = Field(alias="orderNo")
    vendor_id: str = Field(alias="vendorId")
    delivered_at: datetime = Field(alias="deliveredAt")
    late: bool
    promised_at: datetime = Field(alias="promisedAt")
    service_level: ServiceLevel | None = Field(None, alias="serviceLevel")
    zone: Literal["domestic", "international"] | None = None
    eta_days: int | None = Field(None, alias="etaDays")
    label_created_at: datetime | None = Field(None, alias="labelCreatedAt")
    transit_hours: float | None = Field(None, alias="transitHours")


CONTRACTS = [
    Contract("shipping.label.created", 1, SHIPPING, LabelCreated, ("shipping.label_created",)),
    Contract("shipping.status.updated", 1, SHIPPING, StatusUpdated, ("shipping.status_updated",)),
    Contract("shipping.delivered", 1, SHIPPING, Delivered),
]
