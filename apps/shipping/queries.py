"""Reads of the shipping service: rate tables and quotes, one shipment, and the signed address of a label."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone

from apps.shipping import domain
from apps.shipping.config import ShippingSettings
from apps.shipping.exceptions import NoRate, ShipmentNotFound
from apps.shipping.orm import Shipment
from apps.shipping.repository import ShippingRepository
from apps.shipping.schemas import RatesIn
from kernel.uow import UnitOfWork


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


async def get_shipment(uow: UnitOfWork, tracking_no: str, *, lock: bool = False) -> Shipment:
    if not domain.is_tracking_no(tracking_no):
        raise ShipmentNotFound(f"No shipment {tracking_no[:40]!r}.")
    shipment = await uow.repository(ShippingRepository).shipment(tracking_no, lock=lock)
    if shipment is None:
        raise ShipmentNotFound(f"No shipment {tracking_no!r}.")
    return shipment
