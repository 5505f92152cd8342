"""A vendor buys a label for its part of an order: the order's facts (projection, else the orders service), the zone's ETA, a tracking number; emits shipping.label.created; owns its commit."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from apps.shipping import domain, projections
from apps.shipping.clients import OrdersClient
from apps.shipping.config import ShippingSettings
from apps.shipping.exceptions import InvalidShipment, LabelExists, NoRate, NotYourShipment, OrderNotFound, OrderNotShippable
from apps.shipping.orm import Shipment, TrackingEvent
from apps.shipping.queries import _now
from apps.shipping.repository import ShippingRepository
from kernel.auth import CurrentUser
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def _check_caller(user: CurrentUser, vendor_id: str) -> None:
    if user.has_any("super_admin", "staff"):
        return
    if not user.has_any("vendor_admin") or user.vendor_id != vendor_id:
        raise NotYourShipment("Only the vendor itself (or staff) can ship its items.")


async def _order_facts(uow: UnitOfWork, orders: OrdersClient, order_no: str) -> projections.OrderFacts:
    """The projection first; ask the orders service only when the events may not have arrived yet."""
    row = await uow.repository(ShippingRepository).order(order_no)
    if row is not None and row.status != "pending":
        return projections.from_row(row)
    fresh = await orders.get(order_no)
    if fresh is None:
        raise OrderNotFound(f"No order {order_no!r}.")
    return projections.from_row(await projections.apply(uow, fresh))


async def _eta_days(uow: UnitOfWork, zone: str, service_level: str) -> int:
    eta = await uow.repository(ShippingRepository).eta_days(zone, service_level)
    if eta is None:
        raise NoRate(f"No {service_level} service to {zone} destinations.")
    return eta


@use_case
async def create_label(*, uow: UnitOfWork, settings: ShippingSettings, orders: OrdersClient, user: CurrentUser,
                       order_no: str, vendor_id: str, service_level: str) -> Shipment:
    if not is_uuid(vendor_id):
        raise InvalidShipment(f"vendorId {vendor_id!r} is not a vendor id.")
    _check_caller(user, vendor_id)
    facts = await _order_facts(uow, orders, order_no)
    if facts.status != "paid":
        raise OrderNotShippable(f"Order {order_no} is {facts.status}; only paid orders ship.")
    if vendor_id not in facts.vendor_ids:
        raise NotYourShipment(f"Order {order_no} has no items of vendor {vendor_id}.")
    existing = await uow.repository(ShippingRepository).label_of(order_no, vendor_id)
    if existing:
        raise LabelExists(f"Vendor {vendor_id} already has label {existing} for order {order_no}.")
    zone = domain.zone_for(facts.country or settings.origin_country, settings.origin_country)
    eta, now = await _eta_days(uow, zone, service_level), _now()
    shipment = Shipment(id=new_id_str(), tracking_no=domain.new_tracking_no(), order_no=order_no, vendor_id=vendor_id,
                        carrier=settings.carrier, service_level=service_level, zone=zone, status="label_created",
                        destination_country=facts.country, destination_postal_code=facts.postal_code,
                        destination_city=facts.city, eta_days=eta, promised_at=domain.promised_at(now, eta),
                        created_by=user.id[:64], created_at=now, updated_at=now,
                        events=[TrackingEvent(status="label_created", at=now)])
    try:
        await uow.repository(ShippingRepository).add(shipment)
    except IntegrityError:  # a concurrent request for the same (order, vendor) won the race
        raise LabelExists(f"Vendor {vendor_id} already has a label for order {order_no}.") from None
    _emit_label(uow, shipment)
    return shipment


def _emit_label(uow: UnitOfWork, s: Shipment) -> None:
    uow.emit("shipping.label.created", {
        "orderNo": s.order_no, "vendorId": s.vendor_id, "trackingNo": s.tracking_no, "carrier": s.carrier,
        "serviceLevel": s.service_level, "shipmentId": s.id, "zone": s.zone,
        "destinationCountry": s.destination_country, "etaDays": s.eta_days, "promisedAt": s.promised_at,
        "createdAt": s.created_at}, key=s.order_no)
    uow.emit("shipping.status.updated", {"trackingNo": s.tracking_no, "orderNo": s.order_no, "vendorId": s.vendor_id,
                                         "status": "label_created", "at": s.created_at}, key=s.order_no)
