"""A carrier status update on a shipment (in transit, delivered, ...): emits shipping.status.updated and, once, delivered; owns its commit."""
from __future__ import annotations

from datetime import datetime, timezone

from apps.shipping import domain
from apps.shipping.config import ShippingSettings
from apps.shipping.exceptions import InvalidTransition
from apps.shipping.orm import Shipment, TrackingEvent
from apps.shipping.queries import _now, get_shipment
from apps.shipping.repository import ShippingRepository
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


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
