"""Which events feed which entity's features: envelope -> signals (pure).

Sources: order.created (orders, spend, addresses, devices, purchases, vendor velocity), payment events (cards:
`cardFingerprint`), clickstream product.viewed (views; devices). Both identifiers are optional in the contracts:
an event without one simply adds nothing to that set. Payment events name only the order, so the order's user
and device are kept as a link from order.created until it is paid or cancelled (the agent holds the links in a
table; the rules are here). The address key is country + postal code, as in the warehouse's offline twin.
"""
from __future__ import annotations

from typing import Any, Callable

from kernel.events import Envelope
from streams.realtime_features.logic import KINDS, Signal, is_current
from streams.warehouse_sink.logic import Rejection, parse_envelope

DEVICE_FIELD = "deviceId"
CARD_FIELD = "cardFingerprint"
# payment.intent_created is the former name of payment.intent.created: both are read while events under the old
# name may still arrive (kernel/contracts/payments.py says until when).
PAYMENT_TYPES = frozenset({"payment.intent.created", "payment.intent_created", "payment.succeeded", "payment.failed"})
# After these an order's link is not needed: failed payments may be retried, so they keep it.
LINK_CLOSERS = frozenset({"payment.succeeded", "order.cancelled"})
OrderLink = dict[str, str]  # {"user": userId, "device": deviceId}, either may be absent


def address_key(address: Any) -> str | None:
    if not isinstance(address, dict) or not address.get("country"):
        return None
    return f"{address['country']}|{str(address.get('postalCode') or '').upper()}"


def _text(data: dict, name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) and value else None


def _minor(data: Any, name: str) -> int:
    """An amount in minor units; anything else (absent, text, a bool) counts as 0 rather than failing the stream."""
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class _Signals:
    """One signal per entity key per event, however many lines of the event mention the entity."""

    def __init__(self, envelope: Envelope) -> None:
        self.event_id = envelope.event_id
        self.at = envelope.occurred_at.timestamp()
        self.by_key: dict[str, Signal] = {}

    def of(self, kind: str, entity_id: str | None) -> Signal | None:
        if not entity_id:
            return None
        signal = Signal(kind, entity_id, self.event_id, self.at)
        return self.by_key.setdefault(signal.key, signal)


def _order_created(out: _Signals, data: dict) -> None:
    user_id, device, card = _text(data, "userId"), _text(data, DEVICE_FIELD), _text(data, CARD_FIELD)
    address = address_key(data.get("shippingAddress"))
    total = _minor(data.get("totals"), "totalMinor")
    if user := out.of("user", user_id):
        user.add("orders", 1)
        user.add("spend", total)
        user.member("addresses", address)
        user.member("cards", card)
        user.member("devices", device)
    if dev := out.of("device", device):
        dev.add("orders", 1)
        dev.member("users", user_id)
        dev.member("cards", card)
        dev.member("addresses", address)
    for line in data.get("items") or []:
        if isinstance(line, dict) and (product := out.of("product", _text(line, "productId"))):
            product.sums["purchases"] = 1  # orders containing the product, however many lines or units
    for split in data.get("vendorSplits") or []:
        if isinstance(split, dict) and (vendor := out.of("vendor", _text(split, "vendorId"))):
            vendor.sums["orders"] = 1
            vendor.add("gross", _minor(split, "grossMinor"))


def _payment(out: _Signals, data: dict, link: OrderLink) -> None:
    """A card used for an order: payment events name the order; the user and device come from its link when the
    event itself does not carry them."""
    card = _text(data, CARD_FIELD)
    user_id = _text(data, "userId") or link.get("user")
    device = _text(data, DEVICE_FIELD) or link.get("device")
    if card and (user := out.of("user", user_id)):
        user.member("cards", card)
        user.member("devices", device)
    if card and (dev := out.of("device", device)):
        dev.member("cards", card)
        dev.member("users", user_id)


def _product_viewed(out: _Signals, data: dict, actor_id: str | None) -> None:
    if product := out.of("product", _text(data, "productId")):
        product.add("views", 1)
    user_id, device = _text(data, "userId") or actor_id, _text(data, DEVICE_FIELD)
    if device and (user := out.of("user", user_id)):
        user.member("devices", device)
    if user_id and (dev := out.of("device", device)):
        dev.member("users", user_id)


_HANDLERS: dict[str, Callable[[_Signals, Envelope, OrderLink], None]] = {
    "order.created": lambda out, env, link: _order_created(out, env.data),
    "product.viewed": lambda out, env, link: _product_viewed(out, env.data, env.actor.id),
    **{t: (lambda out, env, link: _payment(out, env.data, link)) for t in PAYMENT_TYPES},
}


def link_key(envelope: Envelope) -> str | None:
    """The order whose link a payment event needs (payments.v1 and orders.v1 share the orderNo key, so the link
    lives on the partition that reads the payment)."""
    return _text(envelope.data, "orderNo") if envelope.type in PAYMENT_TYPES else None


def link_change(envelope: Envelope, now: float) -> tuple[str, OrderLink | None] | None:
    """How an event changes the order links: (orderNo, link) to keep, (orderNo, None) to forget, None if no change.

    Kept from order.created (its user and device) until the order is paid or cancelled; orders too old to count
    in any window are not kept at all, so a backfill leaves no links behind."""
    order_no = _text(envelope.data, "orderNo")
    if not order_no:
        return None
    if envelope.type in LINK_CLOSERS:
        return order_no, None
    if envelope.type != "order.created" or not is_current(KINDS["user"], envelope.occurred_at.timestamp(), now):
        return None
    link = {name: value for name, value in (("user", _text(envelope.data, "userId")),
                                            ("device", _text(envelope.data, DEVICE_FIELD))) if value}
    return (order_no, link) if link else None


def signals_from_envelope(envelope: Envelope, now: float, link: OrderLink | None = None) -> list[Signal]:
    """The signals an event produces, leaving out those too old to count in any window at `now`."""
    handler = _HANDLERS.get(envelope.type)
    if handler is None:
        return []
    out = _Signals(envelope)
    try:
        handler(out, envelope, link or {})
    except (AttributeError, TypeError, ValueError):  # a payload off its contract: no features, never a crash
        return []
    return [s for s in out.by_key.values() if (s.sums or s.members) and is_current(KINDS[s.kind], s.at, now)]


def envelope_or_none(raw: bytes | None) -> Envelope | None:
    """Raw topic bytes -> an envelope; malformed messages give None (the warehouse sink dead-letters them)."""
    parsed = parse_envelope(raw)
    return None if isinstance(parsed, Rejection) else parsed
