"""Real-time features: orders, payments and clickstream -> per-entity window state -> Feast online store.

Two hops, because the state is keyed by entity (user, device, product, vendor) while the source topics are keyed
by order or session: `feature-signals` turns each envelope into per-entity signals and re-keys them onto an
internal topic; `feature-state` reads that topic, so every key's table updates (and their changelog records) stay
on the partition that owns the key, whichever worker holds it. Windows are event time (occurredAt) kept in the
table values (logic.py) rather than faust's windowed tables: a 7-day hopping window would write one changelog
record per hop for every event, and its `.current()` reads the newest hop, not the trailing window.

The online store is a projection of the table, written by a flusher in batches from a thread (Feast is blocking):
- each state change queues the key's row (latest wins per key), pushed every `push_interval_seconds`;
- a refresher re-evaluates every key as of now and queues what changed, so "the last hour" decays without new
  events, and after a restart (nothing known as pushed) it rewrites every key once: lost pushes heal themselves.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter

from kernel.contracts.topics import CLICKSTREAM, ORDERS, PAYMENTS
from streams.app import app
from streams.realtime_features.extract import envelope_or_none, link_change, link_key, signals_from_envelope
from streams.realtime_features.feast_store import OnlinePusher
from streams.realtime_features.logic import Signal, apply_signal, feature_row
from streams.realtime_features.pending import PendingRows
from streams.realtime_features.settings import RealtimeFeaturesSettings
from streams.topics import faust_topics

log = logging.getLogger(__name__)
feature_settings = RealtimeFeaturesSettings()
stats: Counter[str] = Counter()
MAX_PUSH_BACKOFF = 30.0

feature_sources = faust_topics((ORDERS, PAYMENTS, CLICKSTREAM))
# Internal: faust creates it with the app's partition count, the same as the table's changelog.
signals_topic = app.topic(
    f"{app.conf.id}-feature-signals", internal=True, partitions=app.conf.topic_partitions,
    key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw",
)
feature_state = app.Table(
    # No key/value types: keys and values are plain JSON in the changelog, and a plain type (dict) given as
    # value_type breaks recovery (faust treats it as a model and calls dict.from_data).
    "feature-state", default=None, partitions=app.conf.topic_partitions,
    help="Per entity key ('user:<id>', ...): window buckets and distinct members (streams/realtime_features/logic).",
)
# orderNo -> {"user", "device"} of orders awaiting payment: payment events carry the card but not the device.
# Written by the router, whose source topics (orders.v1, payments.v1) are both keyed by orderNo.
order_links = app.Table("feature-order-links", default=None, partitions=app.conf.topic_partitions,
                        help="Open orders' user and device, for linking cards in payment events.")
pending = PendingRows()
pusher = OnlinePusher()


@app.agent(feature_sources, name="feature-signals", concurrency=1)
async def route_feature_signals(stream) -> None:  # type: ignore[no-untyped-def]
    async for raw in stream:
        envelope = envelope_or_none(raw) if feature_settings.enabled else None
        if envelope is None:
            continue  # disabled or malformed: still consumed, so the group's offsets move on
        now = time.time()
        order_no = link_key(envelope)
        for signal in signals_from_envelope(envelope, now, order_links.get(order_no) if order_no else None):
            await signals_topic.send(key=signal.key.encode(), value=signal.to_json())
            stats["signals"] += 1
        if change := link_change(envelope, now):
            key, link = change
            if link is not None:
                order_links[key] = link
            elif key in order_links:
                del order_links[key]


@app.agent(signals_topic, name="feature-state", concurrency=1)
async def update_feature_state(stream) -> None:  # type: ignore[no-untyped-def]
    async for event in stream.events():
        try:
            signal = Signal.from_json(event.value)
        except (ValueError, KeyError, TypeError):
            stats["bad_signals"] += 1
            continue
        updated = apply_signal(feature_state.get(signal.key), signal, time.time())
        if updated is None:
            stats["unchanged"] += 1
            continue
        feature_state[signal.key] = updated
        pending.put(signal.key, *feature_row(signal.key, updated, time.time()))


async def _push(rows: dict[str, dict[str, dict]]) -> bool:
    """Push one drained batch; on failure put it back (unless newer rows arrived meanwhile) for the next tick."""
    batches = {source: list(by_key.values()) for source, by_key in rows.items()}
    try:
        pushed = await asyncio.to_thread(pusher.push, batches)
    except Exception as exc:  # noqa: BLE001 - the online store being down must not stop the stream
        pusher.reset()
        pending.restore(rows)
        stats["push_failures"] += 1
        log.warning("feature push failed (%d so far), retrying next tick: %r", stats["push_failures"], exc)
        return False
    pending.mark_pushed(rows)
    stats["pushed_rows"] += pushed
    return True


@app.timer(interval=feature_settings.refresh_seconds)
async def refresh_decayed_features() -> None:
    """Queue every key whose values as of now differ from what was last pushed (windows slide with time)."""
    now = time.time()
    for key, state in list(feature_state.items()):
        if state is not None:
            pending.put_if_changed(key, *feature_row(key, state, now))


async def _warm() -> None:
    """Import Feast and read the registry off the event loop, before the first push needs them."""
    try:
        await asyncio.to_thread(pusher.warm)
        log.info("feature store ready")  # the import holds the GIL for seconds: benchmarks wait for this line
    except Exception as exc:  # noqa: BLE001 - e.g. `mkt features apply` not run yet; pushes retry on their own
        pusher.reset()
        log.warning("feature store not ready yet (%r); pushes will retry", exc)


@app.task
async def push_feature_rows() -> None:
    """The flusher: one push at a time, every push_interval_seconds (a loop, not a timer: a slow push delays the
    next tick instead of overlapping it). Cancelled with the worker; anything queued is rebuilt by the refresher
    after a restart."""
    if not feature_settings.enabled:
        return
    await _warm()
    delay = feature_settings.push_interval_seconds
    while True:
        await asyncio.sleep(delay)
        if pending:
            ok = await _push(pending.drain())
            # back off while the online store is unreachable, instead of failing (and logging) four times a second
            delay = feature_settings.push_interval_seconds if ok else min(max(delay * 2, 1.0), MAX_PUSH_BACKOFF)


@app.timer(interval=60.0)
async def report_feature_progress() -> None:
    if stats:
        log.info("real-time features: %s, %d key(s) queued", dict(stats), len(pending))
