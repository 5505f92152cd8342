"""Pure rules of the events -> warehouse sink: parse, validate, map to rows, dedupe, describe rejects.

No IO here, so every rule that decides what lands in `warehouse.events` is unit-tested without a broker.
Anything the warehouse would refuse (a non-UUID id, a version beyond UInt16, a date DateTime64 cannot hold) is
rejected here: one poison row must go to the dead-letter topic, not fail its whole batch over and over.
"""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Sequence

from pydantic import ValidationError

from kernel.events import Envelope

EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "type", "version", "occurred_at", "actor_type", "actor_id", "data",
    "request_id", "correlation_id", "topic", "partition", "offset", "ingested_at",
)
MAX_VERSION = 65_535  # UInt16 column
# DateTime64's representable range; outside it ClickHouse would clamp or refuse the insert.
MIN_OCCURRED_AT = datetime(1900, 1, 1, tzinfo=timezone.utc)
MAX_OCCURRED_AT = datetime(2299, 12, 31, tzinfo=timezone.utc)
_PREVIEW_CHARS = 2_000


@dataclass(frozen=True)
class SourceRef:
    """Where a message came from: enough to find it again in the broker."""

    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class Rejection:
    reason: str


@dataclass(frozen=True)
class Accepted:
    envelope: Envelope
    source: SourceRef


@dataclass(frozen=True)
class Rejected:
    raw: bytes | None
    reason: str
    source: SourceRef


@dataclass
class BatchPlan:
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates_in_batch: int = 0


def _describe(error: ValidationError) -> str:
    problems = error.errors(include_url=False)
    if any(p["type"] == "json_invalid" for p in problems):
        message = str(problems[0]["msg"]).removeprefix("Invalid JSON: ")
        return f"invalid JSON: {message}"
    parts = [f"{'.'.join(str(x) for x in p['loc']) or '<root>'}: {p['msg']}" for p in problems[:5]]
    more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
    return "invalid envelope: " + "; ".join(parts) + more


def parse_envelope(raw: bytes | None) -> Envelope | Rejection:
    """Raw message bytes -> an Envelope with a canonical (lower-case, hyphenated) eventId, or why not."""
    if not raw:
        return Rejection("empty message")
    try:
        envelope = Envelope.from_json(raw)
    except ValidationError as exc:
        return Rejection(_describe(exc))
    try:
        canonical_id = str(uuid.UUID(envelope.event_id))
    except ValueError:
        return Rejection(f"invalid envelope: eventId {envelope.event_id[:64]!r} is not a UUID")
    if envelope.version > MAX_VERSION:
        return Rejection(f"invalid envelope: version {envelope.version} exceeds {MAX_VERSION}")
    occurred_at = envelope.occurred_at
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=timezone.utc)  # times are UTC by convention
    occurred_at = occurred_at.astimezone(timezone.utc)
    if not MIN_OCCURRED_AT <= occurred_at <= MAX_OCCURRED_AT:
        return Rejection(f"invalid envelope: occurredAt {occurred_at.isoformat()} is out of range")
    # The model was built just now and is ours: set the two fields in place. model_copy cost more than the parse.
    envelope.__dict__.update(event_id=canonical_id, occurred_at=occurred_at)
    return envelope


def to_row(envelope: Envelope, source: SourceRef, ingested_at: datetime) -> tuple:
    """One row of `events`, in EVENT_COLUMNS order. Absent optional fields become '' (the columns are not Nullable)."""
    return (
        uuid.UUID(envelope.event_id),
        envelope.type,
        envelope.version,
        envelope.occurred_at,
        envelope.actor.type,
        envelope.actor.id or "",
        json.dumps(envelope.data, separators=(",", ":"), ensure_ascii=False, default=str),
        envelope.trace.request_id or "",
        envelope.trace.correlation_id or "",
        source.topic,
        source.partition,
        source.offset,
        ingested_at,
    )


def dedupe_by_event_id(items: Iterable[Accepted]) -> list[Accepted]:
    """Keep the first occurrence of each eventId: the earliest offset is the original, later ones are replays."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.envelope.event_id not in seen:
            seen.add(item.envelope.event_id)
            kept.append(item)
    return kept


def drop_existing(items: Sequence[Accepted], existing_ids: Iterable[object]) -> list[Accepted]:
    """Remove events the warehouse already holds; ids may come back as uuid.UUID or str."""
    existing = {str(i).lower() for i in existing_ids}
    return [item for item in items if item.envelope.event_id not in existing]


def plan_batch(messages: Iterable[tuple[bytes | None, SourceRef]]) -> BatchPlan:
    """Split a batch into envelopes to insert (deduped within the batch) and rejects for the dead-letter topic."""
    plan = BatchPlan()
    accepted = []
    for raw, source in messages:
        parsed = parse_envelope(raw)
        if isinstance(parsed, Rejection):
            plan.rejected.append(Rejected(raw, parsed.reason, source))
        else:
            accepted.append(Accepted(parsed, source))
    plan.accepted = dedupe_by_event_id(accepted)
    plan.duplicates_in_batch = len(accepted) - len(plan.accepted)
    return plan


def dead_letter_payload(rejected: Rejected, rejected_at: datetime) -> bytes:
    """The dead-letter record: why, where from, and the original bytes exactly (base64) plus a readable preview."""
    raw = rejected.raw or b""
    record = {
        "reason": rejected.reason,
        "source": {
            "topic": rejected.source.topic,
            "partition": rejected.source.partition,
            "offset": rejected.source.offset,
        },
        "rejectedAt": rejected_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
        "rejectedBy": "streams.warehouse_sink",
        "originalBase64": base64.b64encode(raw).decode("ascii"),
        "originalPreview": raw[:_PREVIEW_CHARS].decode("utf-8", errors="replace"),
    }
    return json.dumps(record, ensure_ascii=False).encode()
