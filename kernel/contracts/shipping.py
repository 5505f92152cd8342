"""Events produced by the shipping domain (topic shipping.v1; key = orderNo, so one order's shipments stay in
order with each other on one partition).

`shipping.delivered` carries the promise (label time + etaDays) next to the delivery time: it is the on-time
delivery ground truth for analytics, so `late` is decided once, by the service that made the promise.
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
    Contract("shipping.label_created", 1, SHIPPING, LabelCreated),
    Contract("shipping.status_updated", 1, SHIPPING, StatusUpdated),
    Contract("shipping.delivered", 1, SHIPPING, Delivered),
]
