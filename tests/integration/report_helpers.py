"""Simulated warehouse data for the report and alert tests: envelopes landed in a scratch warehouse database as the
warehouse sink lands them (the typed facts follow through the materialized views), and the Dagster resources that
point the report job and the alert sensors at it."""
from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timezone

from kernel.events import Envelope
from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from pipelines.defs.reports.resources import AlertThresholds, EventsResource
from pipelines.defs.resources import WarehouseResource
from streams.warehouse_sink.logic import EVENT_COLUMNS, SourceRef, to_row


def envelope(event_type: str, when: datetime, **data) -> Envelope:
    return Envelope(type=event_type, occurred_at=when, data=data)


def land(database: str, envelopes: list[Envelope]) -> None:
    client = warehouse_client(database=database)
    now = datetime.now(timezone.utc)
    try:
        client.insert("events", [to_row(e, SourceRef("test", 0, i), now) for i, e in enumerate(envelopes)],
                      column_names=list(EVENT_COLUMNS))
    finally:
        client.close()


PUBLISHED: list[Envelope] = []  # every envelope the resources below published, oldest first


class RecordingEvents(EventsResource):
    """Publishes to Kafka like EventsResource, and keeps what it published for the test to inspect."""

    def publish(self, events):
        envelopes = super().publish(events)
        PUBLISHED.extend(envelopes)
        return envelopes


def resources(database: str, **thresholds) -> dict:
    s = common_settings()
    return {"warehouse": WarehouseResource(url=s.clickhouse_url, database=database),
            "events": RecordingEvents(bootstrap_servers=s.kafka_bootstrap_servers),
            "alert_thresholds": AlertThresholds(**thresholds)}


def payment(kind: str, when: datetime, reason: str = "card_declined") -> Envelope:
    data = {"intentId": f"pi_{uuid.uuid4().hex[:12]}", "orderNo": f"TST-{uuid.uuid4().hex[:10]}",
            "amountMinor": 1000, "currency": "USD", "provider": "sim"}
    return envelope(kind, when, **data, **({"reason": reason} if kind == "payment.failed" else {}))


def fraud_scored(when: datetime, decision: str) -> Envelope:
    return envelope("fraud.scored", when, orderNo=f"TST-{uuid.uuid4().hex[:10]}", score=0.9 if decision != "approve"
                    else 0.1, decision=decision, reasons=[], modelVersion="7", strategy="model",
                    scoredAt=when.isoformat(), provisional=False)


def vendor_applied(vendor_id: str, name: str, when: datetime) -> Envelope:
    return envelope("vendor.applied", when, vendorId=vendor_id, ownerUserId=str(uuid.uuid4()), name=name,
                    slug=name.lower().replace(" ", "-"), status="pending", appliedAt=when.isoformat())


def product_with_sku(product_id: str, vendor_id: str, title: str, sku: str, when: datetime) -> Envelope:
    return envelope("product.created", when, productId=product_id, vendorId=vendor_id, title=title, slug=sku.lower(),
                    status="approved", categoryIds=[],
                    variants=[{"sku": sku, "priceMinor": 1000, "currency": "USD"}])


def stock_adjusted(sku: str, vendor_id: str, available: int, reorder_point: int, when: datetime) -> Envelope:
    return envelope("inventory.adjusted", when, sku=sku, vendorId=vendor_id, delta=-1, onHand=available,
                    reserved=0, available=available, reorderPoint=reorder_point, reason="sale")


def mail_body(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def recent_mail(since: float) -> list:
    """Messages the sink stored at or after `since` (epoch seconds), newest first: the sink holds every session's
    mail, and parsing all of it on every poll is what made waiting slow."""
    from deploy.local.mailbox import list_files, read_message

    found = []
    for path in reversed(list_files()):
        try:
            if path.stat().st_mtime >= since:
                found.append(read_message(path))
        except FileNotFoundError:  # another session cleared the sink meanwhile
            continue
    return found


def _wait(match, since: float, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        for msg in recent_mail(since):
            if match(msg):
                return msg
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no matching mail after {timeout}s")
        time.sleep(0.2)


STARTED = time.time() - 5  # this module's mail is newer than its import (a few seconds of clock slack)


async def wait_mail(match, timeout: float = 120.0, since: float | None = None):
    return await asyncio.to_thread(_wait, match, STARTED if since is None else since, timeout)
