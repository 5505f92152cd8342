"""Pure shipping rules: zones, parcel weights, rate tables (flat and weight brackets), the tracking state
machine and the delivery promise. No IO: the service loads rate tables and passes them in."""
from __future__ import annotations

import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

TRACKING_PREFIX = "MKT1Z"
_TRACKING_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TRACKING_PATTERN = re.compile(rf"^{TRACKING_PREFIX}[0-9A-Z]{{12}}$")

# A repeated in_transit is a scan at the next hub; out_for_delivery may fall back to in_transit (failed attempt);
# an exception (damaged, address problem) may be resolved. Delivered is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "label_created": frozenset({"in_transit", "exception"}),
    "in_transit": frozenset({"in_transit", "out_for_delivery", "delivered", "exception"}),
    "out_for_delivery": frozenset({"in_transit", "delivered", "exception"}),
    "exception": frozenset({"in_transit", "out_for_delivery"}),
    "delivered": frozenset(),
}


class RuleViolation(ValueError):
    pass


@dataclass(frozen=True)
class Bracket:
    max_grams: int | None  # inclusive upper bound; None = open-ended top bracket
    amount_minor: int
    extra_per_kg_minor: int = 0  # open-ended bracket: added per started kg above the last finite bound


@dataclass(frozen=True)
class RateTable:
    zone: str
    service_level: str
    method: str  # "flat" | "table"
    currency: str
    eta_days: int
    flat_amount_minor: int | None = None
    brackets: tuple[Bracket, ...] = ()


@dataclass(frozen=True)
class Line:
    qty: int
    weight_grams: int | None
    vendor_id: str | None = None


@dataclass(frozen=True)
class Parcel:
    vendor_id: str | None
    weight_grams: int
    amount_minor: int


@dataclass(frozen=True)
class Rate:
    service_level: str
    amount_minor: int
    currency: str
    eta_days: int
    zone: str
    parcels: tuple[Parcel, ...]


def zone_for(country: str, origin_country: str) -> str:
    return "domestic" if country.upper() == origin_country.upper() else "international"


def parcel_weights(lines: Iterable[Line], *, default_item_grams: int) -> dict[str | None, int]:
    """Each vendor ships its own items as one parcel; lines without a vendor go together."""
    weights: dict[str | None, int] = {}
    for line in lines:
        if line.qty < 1:
            raise RuleViolation("qty must be at least 1")
        # 0 means unknown as much as None does: callers send 0 for catalog variants without a weight.
        unit = line.weight_grams if line.weight_grams else default_item_grams
        weights[line.vendor_id] = weights.get(line.vendor_id, 0) + unit * line.qty
    if not weights:
        raise RuleViolation("at least one item is needed to rate a shipment")
    return weights


def parcel_price(table: RateTable, grams: int) -> int:
    if table.method == "flat":
        if table.flat_amount_minor is None:
            raise RuleViolation(f"flat rate table {table.zone}/{table.service_level} has no amount")
        return table.flat_amount_minor
    finite = sorted((b for b in table.brackets if b.max_grams is not None), key=lambda b: b.max_grams)
    for bracket in finite:
        if grams <= bracket.max_grams:
            return bracket.amount_minor
    top = next((b for b in table.brackets if b.max_grams is None), None)
    if top is None:
        raise RuleViolation(f"{grams} g is over the heaviest {table.zone}/{table.service_level} bracket")
    floor = finite[-1].max_grams if finite else 0
    return top.amount_minor + math.ceil((grams - floor) / 1000) * top.extra_per_kg_minor


def rate_for(table: RateTable, weights: dict[str | None, int]) -> Rate:
    parcels = tuple(Parcel(vendor, grams, parcel_price(table, grams)) for vendor, grams in weights.items())
    return Rate(service_level=table.service_level, amount_minor=sum(p.amount_minor for p in parcels),
                currency=table.currency, eta_days=table.eta_days, zone=table.zone, parcels=parcels)


def quote(tables: Iterable[RateTable], lines: Iterable[Line], *, country: str, origin_country: str,
          default_item_grams: int, service_level: str | None = None) -> list[Rate]:
    """Every service level available for the destination (or just `service_level`), cheapest first."""
    zone = zone_for(country, origin_country)
    weights = parcel_weights(lines, default_item_grams=default_item_grams)
    usable = [t for t in tables if t.zone == zone and (service_level is None or t.service_level == service_level)]
    return sorted((rate_for(t, weights) for t in usable), key=lambda r: (r.amount_minor, r.eta_days))


# ---- labels and tracking -----------------------------------------------------------------------------------

def new_tracking_no() -> str:
    return TRACKING_PREFIX + "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(12))


def is_tracking_no(value: str) -> bool:
    return bool(TRACKING_PATTERN.match(value or ""))


def promised_at(label_at: datetime, eta_days: int) -> datetime:
    return label_at + timedelta(days=eta_days)


def is_late(delivered_at: datetime, promise: datetime) -> bool:
    return delivered_at > promise


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS:
        raise RuleViolation(f"unknown status {new!r}")
    if new not in TRANSITIONS[current]:
        raise RuleViolation(f"a shipment cannot go from {current} to {new}")


def check_event_time(at: datetime, *, last_at: datetime, label_at: datetime, window_days: int) -> None:
    """Carrier events come in order: never before the previous one, nor far beyond the label's life."""
    if at < last_at:
        raise RuleViolation("a tracking event cannot be earlier than the previous one")
    if at > label_at + timedelta(days=window_days):
        raise RuleViolation(f"a tracking event must fall within {window_days} days of the label")
