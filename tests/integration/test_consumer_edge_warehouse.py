"""Renamed events in the warehouse (migration 0007): events stored under the old name (history, a replayed outbox)
and under the new one both become typed facts and feed the card features, in a throwaway database of the real
warehouse server, landed as the warehouse sink lands them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.integration.report_helpers import envelope, land
from kernel.warehouse import warehouse_client
from tests.scratch_warehouse import scratch_warehouse

AT = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def database(stack):
    with scratch_warehouse("test_renamed") as name:
        yield name


def _intent(event_type: str, order_no: str, card: str, minutes: int):
    return envelope(event_type, AT + timedelta(minutes=minutes), intentId=f"pi_{order_no}", orderNo=order_no,
                    amountMinor=1500, currency="USD", provider="simulated", cardFingerprint=card)


def _label(event_type: str, order_no: str, minutes: int):
    return envelope(event_type, AT + timedelta(minutes=minutes), orderNo=order_no, vendorId="v1",
                    trackingNo=f"TRK-{order_no}", carrier="ups", serviceLevel="standard", etaDays=3)


def test_old_and_new_names_both_become_payments_shipments_and_card_signals(database):
    land(database, [_intent("payment.intent_created", "OLD-1", "card-a", 0),
                    _intent("payment.intent.created", "NEW-1", "card-b", 1),
                    _label("shipping.label_created", "OLD-1", 2), _label("shipping.label.created", "NEW-1", 3)])
    client = warehouse_client(database=database)
    try:
        payments = client.query("SELECT order_no, status, amount_minor FROM payments FINAL ORDER BY order_no")
        shipments = client.query("SELECT order_no, tracking_no, eta_days FROM shipments FINAL ORDER BY order_no")
        cards = client.query("SELECT order_no, card FROM payment_cards ORDER BY order_no")
    finally:
        client.close()
    assert payments.result_rows == [("NEW-1", "created", 1500), ("OLD-1", "created", 1500)]  # once each
    assert shipments.result_rows == [("NEW-1", "TRK-NEW-1", 3), ("OLD-1", "TRK-OLD-1", 3)]
    assert cards.result_rows == [("NEW-1", "card-b"), ("OLD-1", "card-a")]
