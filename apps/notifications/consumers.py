"""Reactions to other domains' events: queue the matching template for the right recipient, and keep the small
contact projections (order → shopper, vendor → owner) the sender uses to address them.

Handlers only write rows in this service's database (the inbox makes that exactly-once); looking addresses up
and talking SMTP happen in the sender, where failures are retried per message."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from sqlalchemy.dialects.postgresql import insert

from apps.notifications.config import NotificationsSettings
from apps.notifications.messages import enqueue
from apps.notifications.orm import OrderContact, VendorContact
from kernel.contracts.registry import REGISTRY
from kernel.events import Envelope
from kernel.money import Money
from kernel.uow import UnitOfWork

log = structlog.get_logger("notifications.consumers")
Handler = Callable[..., Awaitable[None]]
VENDOR_EVENTS = ("vendor.applied", "vendor.approved", "vendor.rejected", "vendor.suspended", "vendor.reinstated",
                 "vendor.updated")


def money(amount_minor: Any, currency: Any) -> str:
    try:
        m = Money(int(amount_minor), str(currency or "USD").upper())
    except (TypeError, ValueError):
        return str(amount_minor)
    return f"{m.to_decimal()} {m.currency}"


def _order_payload(d: dict[str, Any]) -> dict[str, Any]:
    totals, currency = d.get("totals") or {}, d.get("currency") or "USD"
    items = [i for i in d.get("items") or [] if isinstance(i, dict)]
    return {"orderNo": d["orderNo"], "total": money(totals.get("totalMinor", 0), currency),
            "subtotal": money(totals.get("subtotalMinor", 0), currency),
            "shipping": money(totals.get("shippingMinor", 0), currency),
            "itemCount": sum(int(i.get("qty") or 0) for i in items), "currency": currency}


class Reactions:
    """One handler per event type; settings give retries and the public URL for links in mail."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    async def _queue(self, uow: UnitOfWork, event: Envelope, key: str, kind: str, ref: Any,
                     payload: dict[str, Any], reference: Any) -> None:
        if not ref:
            log.warning("notifications.event_without_recipient", event_id=event.event_id, event_type=event.type)
            return
        await enqueue(uow=uow, template_key=key, recipient_kind=kind, recipient_ref=str(ref), payload=payload,
                      max_attempts=self.settings.max_attempts, reference=str(reference or "") or None,
                      source_event_type=event.type)

    async def order_created(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        if d.get("orderNo") and d.get("userId"):
            await uow.session.execute(insert(OrderContact).values(order_no=str(d["orderNo"])[:64],
                                                                  user_id=str(d["userId"])[:64])
                                      .on_conflict_do_nothing())
        await self._queue(uow, event, "order_confirmation", "user", d.get("userId"), _order_payload(d),
                          d.get("orderNo"))

    async def label_created(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        tracking_url = f"{self.settings.public_base_url.rstrip('/')}/v1/shipping/track/{d.get('trackingNo')}"
        payload = {"orderNo": d.get("orderNo"), "trackingNo": d.get("trackingNo"), "carrier": d.get("carrier"),
                   "serviceLevel": d.get("serviceLevel"), "trackingUrl": tracking_url,
                   "promisedAt": str(d.get("promisedAt") or "")[:10]}
        await self._queue(uow, event, "order_shipped", "order", d.get("orderNo"), payload, d.get("orderNo"))

    async def refunded(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        payload = {"orderNo": d.get("orderNo"), "amount": money(d.get("amountMinor"), d.get("currency")),
                   "reason": d.get("reason") or "", "full": bool(d.get("full"))}
        await self._queue(uow, event, "refund_issued", "order", d.get("orderNo"), payload, d.get("orderNo"))

    async def low_stock(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        payload = {k: d.get(k) for k in ("sku", "available", "reorderPoint", "onHand", "reserved")}
        await self._queue(uow, event, "low_stock", "vendor", d.get("vendorId"), payload, d.get("sku"))

    async def payout_processed(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        payload = {"payoutId": d.get("payoutId"), "status": d.get("status"),
                   "amount": money(d.get("amountMinor"), d.get("currency"))}
        await self._queue(uow, event, "payout_processed", "vendor", d.get("vendorId"), payload, d.get("payoutId"))

    async def alert_raised(self, *, uow: UnitOfWork, event: Envelope) -> None:
        """An operational alert (pipelines' sensors): to the operator, with the alert's own template."""
        d = event.data
        payload = {**(d.get("facts") or {}), "title": d.get("title"), "summary": d.get("summary"),
                   "details": "  \n".join(d.get("details") or []) or "none", "incident": d.get("incidentId"),
                   "windowMinutes": d.get("windowMinutes"), "raisedAt": str(d.get("raisedAt") or "")[:16]}
        await self._queue(uow, event, f"alert_{d.get('alert')}", "email", self.settings.operator_email, payload,
                          d.get("incidentId"))

    async def report_generated(self, *, uow: UnitOfWork, event: Envelope) -> None:
        """The daily report: the executive summary to the operator, a vendor's summary to the vendor (its support
        address, else its owner's account, as for every vendor mail)."""
        d = event.data
        vendor = d.get("audience") == "vendor"
        kind, ref = ("vendor", d.get("vendorId")) if vendor else ("email", self.settings.operator_email)
        reference = f"{d.get('report')}:{d.get('reportDate')}" + (f":{d.get('vendorId')}" if vendor else "")
        await self._queue(uow, event, str(d.get("report")), kind, ref, dict(d.get("figures") or {}), reference)

    def handlers(self) -> dict[str, Handler]:
        found: dict[str, Handler] = {
            "order.created": self.order_created, "shipping.label_created": self.label_created,
            "payment.refunded": self.refunded, "inventory.low_stock": self.low_stock,
            "payout.processed": self.payout_processed, **{t: vendor_contact for t in VENDOR_EVENTS},
            "alert.raised": self.alert_raised, "report.generated": self.report_generated,
        }
        # Only events whose contracts exist: a producing service may land after this one, and the kernel refuses
        # to subscribe to unknown event types.
        return {t: h for t, h in found.items() if t in REGISTRY}


def build_handlers(settings: NotificationsSettings) -> dict[str, Handler]:
    return Reactions(settings).handlers()


async def vendor_contact(*, uow: UnitOfWork, event: Envelope) -> None:
    """Who owns the vendor (its owner's account is the fallback address) — newest event wins."""
    d = event.data
    vendor_id = str(d.get("vendorId") or "")[:64]
    if not vendor_id:
        return
    values = {"name": str(d.get("name") or "")[:200] or None, "status": str(d.get("status") or "")[:16] or None,
              "source_occurred_at": event.occurred_at}
    if d.get("ownerUserId"):
        values["owner_user_id"] = str(d["ownerUserId"])[:64]
    stmt = insert(VendorContact).values(vendor_id=vendor_id, **values)
    await uow.session.execute(stmt.on_conflict_do_update(
        index_elements=[VendorContact.vendor_id], set_=values,
        where=VendorContact.source_occurred_at <= event.occurred_at))
