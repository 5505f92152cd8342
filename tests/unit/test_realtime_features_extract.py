"""Which events feed which entity (extract.py) and the queue of rows waiting for the online store (pending.py)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from kernel.events import Actor, Envelope
from streams.realtime_features.extract import (
    address_key, envelope_or_none, link_change, link_key, signals_from_envelope,
)
from streams.realtime_features.pending import PendingRows

NOW = time.time()


def order_created(**extra) -> Envelope:
    data = {
        "orderNo": "O-1", "userId": "u1", "currency": "USD",
        "totals": {"subtotalMinor": 3000, "discountMinor": 0, "shippingMinor": 0, "taxMinor": 0, "totalMinor": 3000},
        "items": [
            {"sku": "A-1", "productId": "p1", "vendorId": "v1", "qty": 1, "priceMinor": 1000, "lineTotalMinor": 1000},
            {"sku": "A-2", "productId": "p1", "vendorId": "v1", "qty": 1, "priceMinor": 1000, "lineTotalMinor": 1000},
            {"sku": "B-1", "productId": "p2", "vendorId": "v2", "qty": 1, "priceMinor": 1000, "lineTotalMinor": 1000},
        ],
        "vendorSplits": [{"vendorId": "v1", "grossMinor": 2000}, {"vendorId": "v2", "grossMinor": 1000}],
        "shippingAddress": {"city": "Berlin", "country": "DE", "postalCode": "10115ab"},
        **extra,
    }
    return Envelope(type="order.created", data=data, occurredAt=datetime.fromtimestamp(NOW, timezone.utc))


def by_key(envelope: Envelope) -> dict:
    return {s.key: s for s in signals_from_envelope(envelope, NOW)}


def test_an_order_feeds_its_user_products_and_vendors_once_each():
    signals = by_key(order_created())
    assert set(signals) == {"user:u1", "product:p1", "product:p2", "vendor:v1", "vendor:v2"}
    assert signals["user:u1"].sums == {"orders": 1, "spend": 3000}
    assert signals["user:u1"].members == {"addresses": ["DE|10115AB"]}
    assert signals["product:p1"].sums == {"purchases": 1}  # two lines, one order
    assert signals["vendor:v1"].sums == {"orders": 1, "gross": 2000}


def test_device_and_card_count_when_the_payload_carries_them():
    signals = by_key(order_created(deviceId="dev-9", cardFingerprint="card-1"))
    assert signals["user:u1"].members == {"addresses": ["DE|10115AB"], "cards": ["card-1"], "devices": ["dev-9"]}
    assert signals["device:dev-9"].members == {"users": ["u1"], "cards": ["card-1"], "addresses": ["DE|10115AB"]}
    assert signals["device:dev-9"].sums == {"orders": 1}


def test_payments_add_cards_only():
    envelope = Envelope(type="payment.intent_created", data={"userId": "u1", "cardFingerprint": "c9"})
    assert by_key(envelope)["user:u1"].members == {"cards": ["c9"]}
    assert by_key(Envelope(type="payment.succeeded", data={"orderNo": "O-1"})) == {}


def test_a_payment_finds_user_and_device_through_the_order_link():
    key, link = link_change(order_created(deviceId="dev-9"), NOW)
    assert (key, link) == ("O-1", {"user": "u1", "device": "dev-9"})
    payment = Envelope(type="payment.succeeded", data={"orderNo": "O-1", "cardFingerprint": "c1"})
    assert link_key(payment) == "O-1"
    signals = {s.key: s for s in signals_from_envelope(payment, NOW, link)}
    assert signals["user:u1"].members == {"cards": ["c1"], "devices": ["dev-9"]}
    assert signals["device:dev-9"].members == {"cards": ["c1"], "users": ["u1"]}


def test_links_are_kept_until_the_order_is_paid_or_cancelled():
    assert link_change(Envelope(type="payment.succeeded", data={"orderNo": "O-1"}), NOW) == ("O-1", None)
    assert link_change(Envelope(type="order.cancelled", data={"orderNo": "O-1"}), NOW) == ("O-1", None)
    assert link_change(Envelope(type="payment.failed", data={"orderNo": "O-1"}), NOW) is None  # may be retried
    old = order_created().model_copy(update={"occurred_at": datetime.now(timezone.utc) - timedelta(days=8)})
    assert link_change(old, NOW) is None
    assert link_key(order_created()) is None


def test_a_product_view_counts_for_the_product_and_links_user_and_device():
    envelope = Envelope(type="product.viewed", data={"productId": "p1", "sessionId": "s", "deviceId": "d1"},
                        actor=Actor(type="user", id="u7"))
    signals = by_key(envelope)
    assert signals["product:p1"].sums == {"views": 1}
    assert signals["user:u7"].members == {"devices": ["d1"]}
    assert signals["device:d1"].members == {"users": ["u7"]}


def test_events_too_old_for_any_window_produce_nothing():
    old = order_created().model_copy(update={"occurred_at": datetime.now(timezone.utc) - timedelta(days=8)})
    assert signals_from_envelope(old, NOW) == []


def test_a_day_old_order_still_counts_for_the_week_but_not_for_the_day_views():
    old = order_created().model_copy(update={"occurred_at": datetime.now(timezone.utc) - timedelta(days=2)})
    assert set(by_key(old)) == {"user:u1"}  # product and vendor windows end at 24 h


def test_off_contract_payloads_and_bad_bytes_yield_nothing():
    assert signals_from_envelope(order_created(items=5), NOW) == []
    assert by_key(order_created(totals={"totalMinor": "lots"}))["user:u1"].sums == {"orders": 1, "spend": 0}
    assert envelope_or_none(b"not json") is None
    assert envelope_or_none(None) is None
    assert envelope_or_none(order_created().to_json()).type == "order.created"
    assert signals_from_envelope(Envelope(type="review.created", data={}), NOW) == []


def test_address_key():
    assert address_key({"country": "DE", "postalCode": "ab1"}) == "DE|AB1"
    assert address_key({"country": "DE", "city": "Berlin"}) == "DE|"
    assert address_key({"city": "Berlin"}) is None
    assert address_key("DE") is None


def row(value: int, at: int = 0) -> dict:
    return {"user_id": "u", "event_timestamp": at, "user_orders_1h": value}


def test_pending_keeps_the_latest_row_per_key():
    pending = PendingRows()
    pending.put("user:u", "user_stream_push", row(1))
    pending.put("user:u", "user_stream_push", row(2))
    assert pending.drain() == {"user_stream_push": {"user:u": row(2)}}
    assert not pending


def test_pending_skips_rows_that_say_what_was_pushed():
    pending = PendingRows()
    assert pending.put_if_changed("user:u", "user_stream_push", row(1, at=1))
    pending.mark_pushed(pending.drain())
    assert not pending.put_if_changed("user:u", "user_stream_push", row(1, at=2))  # only the time moved
    assert pending.put_if_changed("user:u", "user_stream_push", row(0, at=3))


def test_a_failed_push_goes_back_under_newer_rows():
    pending = PendingRows()
    pending.put("user:a", "user_stream_push", row(1))
    pending.put("user:b", "user_stream_push", row(1))
    failed = pending.drain()
    pending.put("user:a", "user_stream_push", row(5))
    pending.restore(failed)
    assert pending.drain() == {"user_stream_push": {"user:a": row(5), "user:b": row(1)}}
