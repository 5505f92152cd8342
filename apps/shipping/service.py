"""Shipping use cases: rates and quotes, labels, tracking updates. `@use_case` ones own their commit."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError

from apps.shipping import domain, projections
from apps.shipping.clients import OrdersClient
from apps.shipping.config import ShippingSettings
from apps.shipping.exceptions import (InvalidShipment, InvalidTransition, LabelExists, NoRate, NotYourShipment,
                                      OrderNotFound, OrderNotShippable, ShipmentNotFound)
from apps.shipping.orm import Shipment, TrackingEvent
from apps.shipping.repository import ShippingRepository
from apps.shipping.schemas import RatesIn
from kernel.auth import CurrentUser
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def load_tables(uow: UnitOfWork) -> list[domain.RateTable]:
    rows = await uow.repository(ShippingRepository).rate_tables()
    return [domain.RateTable(zone=r.zone, service_level=r.service_level, method=r.method, currency=r.currency,
                             eta_days=r.eta_days, flat_amount_minor=r.flat_amount_minor,
                             brackets=tuple(domain.Bracket(b.max_grams, b.amount_minor, b.extra_per_kg_minor)
                                            for b in r.brackets)) for r in rows]


async def rates(*, uow: UnitOfWork, settings: ShippingSettings, cmd: RatesIn,
                service_level: str | None = None) -> list[domain.Rate]:
    lines = [domain.Line(qty=i.qty, weight_grams=i.weight_grams, vendor_id=i.vendor_id) for i in cmd.items]
    try:
        found = domain.quote(await load_tables(uow), lines, country=cmd.destination.country,
                             origin_country=settings.origin_country,
                             default_item_grams=settings.default_item_weight_grams, service_level=service_level)
    except domain.RuleViolation as exc:
        raise NoRate(str(exc)) from None
    if not found:
        raise NoRate(f"No {service_level or 'shipping'} rate to {cmd.destination.country}.")
    return found


def label_signature(settings: ShippingSettings, tracking_no: str) -> str:
    """Lets the label URL open without a token (a printer, a browser tab) while staying unguessable."""
    return hmac.new(settings.secret_key.encode(), f"label:{tracking_no}".encode(), hashlib.sha256).hexdigest()[:32]


def label_url(settings: ShippingSettings, tracking_no: str) -> str:
    base = settings.public_base_url.rstrip("/")
    return f"{base}/v1/shipping/labels/{tracking_no}?sig={label_signature(settings, tracking_no)}"


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


async def get_shipment(uow: UnitOfWork, tracking_no: str, *, lock: bool = False) -> Shipment:
    if not domain.is_tracking_no(tracking_no):
        raise ShipmentNotFound(f"No shipment {tracking_no[:40]!r}.")
    shipment = await uow.repository(ShippingRepository).shipment(tracking_no, lock=lock)
    if shipment is None:
        raise ShipmentNotFound(f"No shipment {tracking_no!r}.")
    return shipment


@use_case
async def record_event(*, uow: UnitOfWork, settings: ShippingSettings, tracking_no: str, status: str,
                       location: str | None, at: datetime | None) -> Shipment:
    """A carrier scan: moves the state machine; delivered decides lateness against the promise."""
    shipment = await get_shipment(uow, tracking_no, lock=True)
    at = (at or _now()).astimezone(timezone.utc)
    try:
        domain.check_transition(shipment.status, status)
        domain.check_event_time(at, last_at=shipment.events[-1].at, label_at=shipment.created_at,
                                window_days=settings.max_event_window_days)
    except domain.RuleViolation as exc:
        raise InvalidTransition(str(exc)) from None
    previous, shipment.status = shipment.status, status
    shipment.events.append(TrackingEvent(status=status, location=location, at=at))
    uow.emit("shipping.status.updated", {"trackingNo": tracking_no, "orderNo": shipment.order_no,
                                         "vendorId": shipment.vendor_id, "status": status, "previousStatus": previous,
                                         "location": location, "at": at}, key=shipment.order_no)
    if status == "delivered":
        shipment.delivered_at = at
        _emit_delivered(uow, shipment)
    await uow.repository(ShippingRepository).flush()
    return shipment


def _emit_delivered(uow: UnitOfWork, s: Shipment) -> None:
    uow.emit("shipping.delivered", {
        "trackingNo": s.tracking_no, "orderNo": s.order_no, "vendorId": s.vendor_id, "deliveredAt": s.delivered_at,
        "late": domain.is_late(s.delivered_at, s.promised_at), "promisedAt": s.promised_at,
        "serviceLevel": s.service_level, "zone": s.zone, "etaDays": s.eta_days, "labelCreatedAt": s.created_at,
        "transitHours": round((s.delivered_at - s.created_at).total_seconds() / 3600, 2)}, key=s.order_no)
