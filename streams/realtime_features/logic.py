"""Pure rules of the real-time features: which events feed which entity, event-time windows, distinct counts.

Each entity key (user, device, product, vendor) keeps one compact state in a faust Table: per metric, sparse
one-minute buckets of sums and the last time each distinct member was seen, pruned to the entity's longest
window. Trailing windows are then read at any instant, so the stream can re-serve "the last hour" as time passes
without another event. Times are event time (the envelope's occurredAt), never arrival time, so a backfill or a
late event lands in the bucket it belongs to. Windows are exact to one bucket: a bucket that overlaps the window
counts whole.

The feature names are those of the push-fed feature views in features/ (a unit test holds the two together).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

BUCKET_SECONDS = 60
HOUR, DAY, WEEK = 3_600, 86_400, 7 * 86_400
MAX_RECENT_IDS = 64  # per key: enough to drop redelivered events (a crash, an outbox replay) of recent activity
MAX_MEMBERS = 1_000  # per distinct set: a device seen with 1000 accounts is already as suspicious as it gets

State = dict[str, Any]


@dataclass(frozen=True)
class Feature:
    name: str
    metric: str
    window: int
    op: Literal["sum", "distinct"]


@dataclass(frozen=True)
class EntityKind:
    name: str
    join_key: str
    push_source: str
    features: tuple[Feature, ...]

    @property
    def horizon(self) -> int:
        return max(f.window for f in self.features)


def _sums(prefix: str, metric: str, windows: Mapping[str, int], suffix: str = "") -> tuple[Feature, ...]:
    return tuple(Feature(f"{prefix}_{label}{suffix}", metric, w, "sum") for label, w in windows.items())


def _distinct(prefix: str, metric: str, windows: Mapping[str, int]) -> tuple[Feature, ...]:
    return tuple(Feature(f"{prefix}_distinct_{metric}_{label}", metric, w, "distinct") for label, w in windows.items())


_H1_D1_W1 = {"1h": HOUR, "24h": DAY, "7d": WEEK}
_D1_W1 = {"24h": DAY, "7d": WEEK}
_H1_D1 = {"1h": HOUR, "24h": DAY}

KINDS: dict[str, EntityKind] = {
    "user": EntityKind("user", "user_id", "user_stream_push", (
        *_sums("user_orders", "orders", _H1_D1_W1), *_sums("user_spend", "spend", _H1_D1_W1, "_minor"),
        *_distinct("user", "cards", _D1_W1), *_distinct("user", "addresses", _D1_W1),
        *_distinct("user", "devices", _D1_W1),
    )),
    "device": EntityKind("device", "device_id", "device_stream_push", (
        Feature("device_orders_24h", "orders", DAY, "sum"), *_distinct("device", "users", _D1_W1),
        *_distinct("device", "cards", _D1_W1), *_distinct("device", "addresses", _D1_W1),
    )),
    "product": EntityKind("product", "product_id", "product_stream_push", (
        *_sums("product_views", "views", _H1_D1), *_sums("product_purchases", "purchases", _H1_D1),
    )),
    "vendor": EntityKind("vendor", "vendor_id", "vendor_stream_push", (
        *_sums("vendor_orders", "orders", _H1_D1), Feature("vendor_gross_24h_minor", "gross", DAY, "sum"),
    )),
}


@dataclass
class Signal:
    """What one event adds to one entity: amounts per metric and members of distinct sets."""

    kind: str
    entity_id: str
    event_id: str
    at: float  # event time, epoch seconds
    sums: dict[str, int] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.entity_id}"

    def add(self, metric: str, amount: int) -> None:
        self.sums[metric] = self.sums.get(metric, 0) + amount

    def member(self, metric: str, value: str | None) -> None:
        if value and value not in self.members.setdefault(metric, []):
            self.members[metric].append(value)

    def to_json(self) -> bytes:
        return json.dumps({"kind": self.kind, "id": self.entity_id, "eventId": self.event_id, "at": self.at,
                           "sums": self.sums, "members": self.members}, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Signal":
        d = json.loads(raw)
        return cls(d["kind"], d["id"], d["eventId"], float(d["at"]), dict(d["sums"]), dict(d["members"]))


def split_key(key: str) -> tuple[EntityKind, str]:
    kind, _, entity_id = key.partition(":")
    return KINDS[kind], entity_id


def bucket_of(at: float) -> int:
    return int(at // BUCKET_SECONDS) * BUCKET_SECONDS


def new_state() -> State:
    return {"t": 0.0, "ids": [], "sums": {}, "sets": {}}


def is_current(kind: EntityKind, at: float, now: float) -> bool:
    """Whether an event at `at` can still count in any of the kind's windows at wall-clock `now`."""
    return at > now - kind.horizon


def apply_signal(state: State | None, signal: Signal, now: float) -> State | None:
    """The state with `signal` added, or None when nothing changes (a duplicate, or too old to count anywhere)."""
    kind = KINDS[signal.kind]
    state = new_state() if state is None else state
    if signal.event_id in state["ids"] or not is_current(kind, signal.at, max(now, state["t"])):
        return None
    updated = {"t": max(state["t"], signal.at), "ids": [*state["ids"], signal.event_id][-MAX_RECENT_IDS:],
               "sums": {m: dict(b) for m, b in state["sums"].items()},
               "sets": {m: dict(s) for m, s in state["sets"].items()}}
    bucket = str(bucket_of(signal.at))
    for metric, amount in signal.sums.items():
        buckets = updated["sums"].setdefault(metric, {})
        buckets[bucket] = buckets.get(bucket, 0) + amount
    for metric, values in signal.members.items():
        seen = updated["sets"].setdefault(metric, {})
        for value in values:
            seen[value] = max(seen.get(value, 0.0), signal.at)
        if len(seen) > MAX_MEMBERS:  # keep the most recently seen
            updated["sets"][metric] = dict(sorted(seen.items(), key=lambda kv: kv[1])[-MAX_MEMBERS:])
    return prune(updated, kind, max(now, updated["t"]))


def prune(state: State, kind: EntityKind, as_of: float) -> State:
    """Drop buckets and members no window can reach any more (state stays bounded by the horizon)."""
    cutoff = as_of - kind.horizon
    sums = {m: {b: v for b, v in buckets.items() if int(b) + BUCKET_SECONDS > cutoff}
            for m, buckets in state["sums"].items()}
    sets = {m: {k: at for k, at in seen.items() if at > cutoff} for m, seen in state["sets"].items()}
    return {**state, "sums": {m: b for m, b in sums.items() if b}, "sets": {m: s for m, s in sets.items() if s}}


def window_sum(buckets: Mapping[str, int], window: int, as_of: float) -> int:
    start = as_of - window
    return sum(v for b, v in buckets.items() if int(b) + BUCKET_SECONDS > start and int(b) <= as_of)


def window_distinct(seen: Mapping[str, float], window: int, as_of: float) -> int:
    start = as_of - window
    return sum(1 for at in seen.values() if start < at <= as_of)


def feature_values(kind: EntityKind, state: State, as_of: float) -> dict[str, int]:
    values = {}
    for f in kind.features:
        if f.op == "sum":
            values[f.name] = window_sum(state["sums"].get(f.metric, {}), f.window, as_of)
        else:
            values[f.name] = window_distinct(state["sets"].get(f.metric, {}), f.window, as_of)
    return values


def feature_row(key: str, state: State, now: float) -> tuple[str, dict[str, Any]]:
    """(push source, row) as of now (or the newest event, if the producer's clock runs ahead)."""
    kind, entity_id = split_key(key)
    as_of = max(now, state["t"])
    row = {kind.join_key: entity_id, "event_timestamp": datetime.fromtimestamp(as_of, timezone.utc)}
    row.update(feature_values(kind, state, as_of))
    return kind.push_source, row
