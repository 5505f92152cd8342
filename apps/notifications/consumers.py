"""Reactions to other domains' events: queue the matching template for the right recipient, and keep the small
contact projections (order → shopper, vendor → owner; projections.py) the sender uses to address them.

Handlers only write rows in this service's database (the inbox makes that exactly-once); looking addresses up
and talking SMTP happen in the sender, where failures are retried per message."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import structlog

from apps.notifications import projections
from apps.notifications.config import NotificationsSettings
from apps.notifications.use_cases.enqueue import enqueue
from kernel.consumer import Event, Handler
from kernel.contracts.inventory import LowStock
from kernel.contracts.ops import AlertRaised, ReportGenerated
from kernel.contracts.orders import OrderCreated
from kernel.contracts.payments import PaymentRefunded, PayoutProcessed
from kernel.contracts.shipping import LabelCreated
from kernel.contracts.vendors import VendorApplied, VendorStatusChanged, VendorUpdated
from kernel.money import Money
from kernel.uow import UnitOfWork

log = structlog.get_logger("notifications.consumers")
VENDOR_EVENTS = ("vendor.applied", "vendor.approved", "vendor.rejected", "vendor.suspended", "vendor.reinstated",
                 "vendor.updated")


def money(amount_minor: int, currency: str | None) -> str:
    m = Money(amount_minor, (currency or "USD").upper())
    return f"{m.to_decimal()} {m.currency}"


def _iso(value: datetime | date | None, width: int) -> str:
    """A time as the templates show it: the wire's ISO text cut to `width` (10: the day, 16: to the minute)."""
    return value.isoformat()[:width] if value is not None else ""


def _order_payload(order: OrderCreated) -> dict[str, Any]:
    totals, currency = order.totals, order.currency
    return {"orderNo": order.order_no, "total": money(totals.total_minor, currency),
            "subtotal": money(totals.subtotal_minor, currency), "shipping": money(totals.shipping_minor, currency),
            "itemCount": sum(line.qty for line in order.items), "currency": currency}


class Reactions:
    """One handler per event type; settings give retries and the public URL for links in mail."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    async def _queue(self, uow: UnitOfWork, event: Event, key: str, kind: str, ref: Any,
                     payload: dict[str, Any], reference: Any) -> None:
        if not ref:
            log.warning("notifications.event_without_recipient", event_id=event.event_id, event_type=event.type)
            return
        await enqueue(uow=uow, template_key=key, recipient_kind=kind, recipient_ref=str(ref), payload=payload,
                      max_attempts=self.settings.max_attempts, reference=str(reference or "") or None,
                      source_event_type=event.type)

    async def order_created(self, *, uow: UnitOfWork, event: Event[OrderCreated]) -> None:
        order = event.data
        await projections.remember_order(uow, order_no=order.order_no, user_id=order.user_id)
        await self._queue(uow, event, "order_confirmation", "user", order.user_id, _order_payload(order),
                          order.order_no)

    async def label_created(self, *, uow: UnitOfWork, event: Event[LabelCreated]) -> None:
        label = event.data
        tracking_url = f"{self.settings.public_base_url.rstrip('/')}/v1/shipping/track/{label.tracking_no}"
        payload = {"orderNo": label.order_no, "trackingNo": label.tracking_no, "carrier": label.carrier,
                   "serviceLevel": label.service_level, "trackingUrl": tracking_url,
                   "promisedAt": _iso(label.promised_at, 10)}
        await self._queue(uow, event, "order_shipped", "order", label.order_no, payload, label.order_no)

    async def refunded(self, *, uow: UnitOfWork, event: Event[PaymentRefunded]) -> None:
        refund = event.data
        payload = {"orderNo": refund.order_no, "amount": money(refund.amount_minor, refund.currency),
                   "reason": refund.reason, "full": refund.full}
        await self._queue(uow, event, "refund_issued", "order", refund.order_no, payload, refund.order_no)

    async def low_stock(self, *, uow: UnitOfWork, event: Event[LowStock]) -> None:
        low = event.data
        payload = {"sku": low.sku, "available": low.available, "reorderPoint": low.reorder_point,
                   "onHand": low.on_hand, "reserved": low.reserved}
        await self._queue(uow, event, "low_stock", "vendor", low.vendor_id, payload, low.sku)

    async def payout_processed(self, *, uow: UnitOfWork, event: Event[PayoutProcessed]) -> None:
        payout = event.data
        payload = {"payoutId": payout.payout_id, "status": payout.status,
                   "amount": money(payout.amount_minor, payout.currency)}
        await self._queue(uow, event, "payout_processed", "vendor", payout.vendor_id, payload, payout.payout_id)

    async def alert_raised(self, *, uow: UnitOfWork, event: Event[AlertRaised]) -> None:
        """An operational alert (pipelines' sensors): to the operator, with the alert's own template."""
        alert = event.data
        payload = {**alert.facts, "title": alert.title, "summary": alert.summary,
                   "details": "  \n".join(alert.details) or "none", "incident": alert.incident_id,
                   "windowMinutes": alert.window_minutes, "raisedAt": _iso(alert.raised_at, 16)}
        await self._queue(uow, event, f"alert_{alert.alert}", "email", self.settings.operator_email, payload,
                          alert.incident_id)

    async def report_generated(self, *, uow: UnitOfWork, event: Event[ReportGenerated]) -> None:
        """The daily report: the executive summary to the operator, a vendor's summary to the vendor (its support
        address, else its owner's account, as for every vendor mail)."""
        report = event.data
        vendor = report.audience == "vendor"
        kind, ref = ("vendor", report.vendor_id) if vendor else ("email", self.settings.operator_email)
        reference = f"{report.report}:{report.report_date.isoformat()}" + (f":{report.vendor_id}" if vendor else "")
        await self._queue(uow, event, report.report, kind, ref, dict(report.figures), reference)

    def handlers(self) -> dict[str, Handler]:
        return {
            "order.created": self.order_created, "shipping.label.created": self.label_created,
            "payment.refunded": self.refunded, "inventory.low_stock": self.low_stock,
            "payout.processed": self.payout_processed, **{t: vendor_contact for t in VENDOR_EVENTS},
            "alert.raised": self.alert_raised, "report.generated": self.report_generated,
        }


def build_handlers(settings: NotificationsSettings) -> dict[str, Handler]:
    return Reactions(settings).handlers()


async def vendor_contact(*, uow: UnitOfWork,
                         event: Event[VendorApplied | VendorStatusChanged | VendorUpdated]) -> None:
    vendor = event.data
    if not vendor.vendor_id:
        return
    await projections.apply_vendor(uow, vendor_id=vendor.vendor_id, name=vendor.name, status=vendor.status,
                                   owner_user_id=getattr(vendor, "owner_user_id", None), at=event.occurred_at)
