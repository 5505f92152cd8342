"""Pure rules of the events -> warehouse sink: parse, validate, map to rows, dedupe, describe rejects.

No IO here, so every rule that decides what lands in `warehouse.events` is unit-tested without a broker.
Anything the warehouse would refuse (a non-UUID id, a version beyond UInt16, a date DateTime64 cannot hold) is
rejected here: one poison row must go to the dead-letter topic, not fail its whole batch over and over.

Two parsers, one set of rules: `parse_envelope` (the pydantic Envelope, which words every rejection) and a fast
path (orjson plus hand-written checks) that accepts only a strict subset of what the Envelope accepts, with the
same values. Whatever the fast path is not sure of, it hands to `parse_envelope`: the Envelope model cost about
25 µs per event, most of the sink's CPU, while the fast path costs a few.
"""
from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Protocol, Sequence, get_args

import orjson
from pydantic import ValidationError

from kernel.events import ActorType, Envelope

EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "type", "version", "occurred_at", "actor_type", "actor_id", "data",
    "request_id", "correlation_id", "topic", "partition", "offset", "ingested_at",
)
MAX_VERSION = 65_535  # UInt16 column
# DateTime64's representable range; outside it ClickHouse would clamp or refuse the insert.
MIN_OCCURRED_AT = datetime(1900, 1, 1, tzinfo=timezone.utc)
MAX_OCCURRED_AT = datetime(2299, 12, 31, tzinfo=timezone.utc)
_PREVIEW_CHARS = 2_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


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
class Rejected:
    raw: bytes | None
    reason: str
    source: SourceRef


class Source(Protocol):
    """A SourceRef, or anything with the same three attributes (aiokafka's ConsumerRecord)."""

    topic: str
    partition: int
    offset: int


@dataclass
class EventColumns:
    """Accepted events column by column, in EVENT_COLUMNS order (ingested_at is added when the batch is sent).

    occurred_ms is epoch milliseconds (floored, as DateTime64(3) stores it); data holds the JSON text: an
    orjson.Fragment from the fast path (sent as the object itself), or a str when the event came through
    `parse_envelope` (json.dumps keeps what orjson cannot: huge ints, NaN), sent as a JSON string.
    """

    event_id: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    version: list[int] = field(default_factory=list)
    occurred_ms: list[int] = field(default_factory=list)
    actor_type: list[str] = field(default_factory=list)
    actor_id: list[str] = field(default_factory=list)
    data: list[orjson.Fragment | str] = field(default_factory=list)
    request_id: list[str] = field(default_factory=list)
    correlation_id: list[str] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    partition: list[int] = field(default_factory=list)
    offset: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.event_id)

    def _lists(self) -> tuple[list, ...]:
        return (self.event_id, self.type, self.version, self.occurred_ms, self.actor_type, self.actor_id, self.data,
                self.request_id, self.correlation_id, self.topic, self.partition, self.offset)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple]) -> EventColumns:
        return cls(*map(list, zip(*rows))) if rows else cls()

    def take(self, indexes: Sequence[int]) -> EventColumns:
        """The events at these positions, in that order."""
        return EventColumns(*([column[i] for i in indexes] for column in self._lists()))

    def insert_block(self, ingested_at: datetime) -> bytes:
        """The batch as a JSONCompactColumns body (one JSON array per column, EVENT_COLUMNS order).

        ClickHouse parses it in C++, so the worker's only per-event cost is orjson's. DateTime64 columns go as
        seconds with 3 decimals (exact: a millisecond count / 1000 prints back as itself); `data` objects go as
        JSON objects, which the String column takes as their text (input_format_json_read_objects_as_strings).
        """
        ingested = _millis(ingested_at) / 1000
        columns = list(self._lists())
        columns[3] = [ms / 1000 for ms in self.occurred_ms]
        return orjson.dumps([*columns, [ingested] * len(self)])


INSERT_FORMAT = "JSONCompactColumns"
INSERT_SETTINGS = {"input_format_json_read_objects_as_strings": 1}


@dataclass
class BatchPlan:
    accepted: EventColumns = field(default_factory=EventColumns)
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


def _data_json(data: dict) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str)


def to_row(envelope: Envelope, source: SourceRef, ingested_at: datetime) -> tuple:
    """One row of `events`, in EVENT_COLUMNS order. Absent optional fields become '' (the columns are not Nullable)."""
    return (
        uuid.UUID(envelope.event_id),
        envelope.type,
        envelope.version,
        envelope.occurred_at,
        envelope.actor.type,
        envelope.actor.id or "",
        _data_json(envelope.data),
        envelope.trace.request_id or "",
        envelope.trace.correlation_id or "",
        source.topic,
        source.partition,
        source.offset,
        ingested_at,
    )


def canonical_ids(ids: Iterable[object]) -> set[str]:
    """Event ids as the sink compares them (lower-case, hyphenated), whether a query gave uuid.UUID or str."""
    return {str(i).lower() for i in ids}


_FAST_KEYS = frozenset(("eventId", "type", "version", "occurredAt", "actor", "data", "trace"))
_ACTOR_KEYS = frozenset(("type", "id"))
_TRACE_KEYS = frozenset(("requestId", "correlationId", "traceparent"))
_ACTOR_TYPES = frozenset(get_args(ActorType))
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TYPE = re.compile(r"[a-z_]+(?:\.[a-z_]+)+")  # Envelope.type's pattern, as a fullmatch (no trailing newline)
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?")
# orjson turns integers beyond 64 bits into floats; pydantic keeps them exact. 19+ digits in a row anywhere
# (even inside a string) send the message down the slow path, which is right, only slower. Found by mapping
# every digit to "0" and searching for the run: a tenth of what a regex costs.
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else 0x2E for b in range(256))
_LONG_RUN = b"0" * 19


def _millis(moment: datetime) -> int:
    return (moment - _EPOCH) // _MS


def _optional_str(value: object) -> bool:
    return value is None or type(value) is str


def fast_fields(raw: bytes) -> tuple | None:
    """(event_id, type, version, occurred_ms, actor_type, actor_id, data, request_id, correlation_id) when the
    message is plainly a valid envelope in its usual shape; None when unsure (then `parse_envelope` decides).

    Accepts nothing the Envelope model would refuse: only the alias keys, exact JSON types (no coercion), a
    lower-case canonical eventId, an ISO occurredAt; absent eventId/occurredAt (model defaults) go the slow way.
    """
    if _LONG_RUN in raw.translate(_DIGITS_AS_ZERO):
        return None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(body) is not dict or not body.keys() <= _FAST_KEYS:
        return None
    event_id, event_type, version = body.get("eventId"), body.get("type"), body.get("version", 1)
    occurred, data = body.get("occurredAt"), body.get("data")
    actor, trace = body.get("actor", _NO_ACTOR), body.get("trace", _NO_TRACE)
    if (type(event_id) is not str or not _CANONICAL_UUID.fullmatch(event_id)
            or type(event_type) is not str or not _TYPE.fullmatch(event_type)
            or type(version) is not int or not 1 <= version <= MAX_VERSION
            or type(occurred) is not str or not _ISO_TIME.fullmatch(occurred)
            or type(data) is not dict
            or type(actor) is not dict or not actor.keys() <= _ACTOR_KEYS
            or type(trace) is not dict or not trace.keys() <= _TRACE_KEYS):
        return None
    actor_type, actor_id = actor.get("type", "system"), actor.get("id")
    request_id, correlation_id = trace.get("requestId"), trace.get("correlationId")
    if (type(actor_type) is not str or actor_type not in _ACTOR_TYPES or not _optional_str(actor_id)
            or not _optional_str(request_id) or not _optional_str(correlation_id)
            or not _optional_str(trace.get("traceparent"))):
        return None
    try:
        moment = datetime.fromisoformat(occurred)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # aware datetimes compare and subtract in any zone
    if not MIN_OCCURRED_AT <= moment <= MAX_OCCURRED_AT:
        return None
    # data goes on as its JSON text (a Fragment orjson embeds verbatim), so the parsed dicts die here: thousands
    # of them alive per batch made the garbage collector's passes a quarter of the worker's CPU.
    return (event_id, event_type, version, _millis(moment), actor_type, actor_id or "",
            orjson.Fragment(orjson.dumps(data)), request_id or "", correlation_id or "")


_NO_ACTOR: dict = {}
_NO_TRACE: dict = {}


def envelope_fields(envelope: Envelope) -> tuple:
    """The same fields as `fast_fields`, from an Envelope `parse_envelope` accepted (data as to_row writes it)."""
    return (envelope.event_id, envelope.type, envelope.version, _millis(envelope.occurred_at), envelope.actor.type,
            envelope.actor.id or "", _data_json(envelope.data), envelope.trace.request_id or "",
            envelope.trace.correlation_id or "")


def plan_batch(messages: Iterable[tuple[bytes | None, Source]]) -> BatchPlan:
    """Split a batch into events to insert (deduped within the batch: the first offset wins) and rejects for the
    dead-letter topic."""
    plan = BatchPlan()
    rows, seen = [], set()
    for raw, source in messages:
        fields = fast_fields(raw) if raw else None
        if fields is None:
            parsed = parse_envelope(raw)
            if isinstance(parsed, Rejection):
                plan.rejected.append(Rejected(raw, parsed.reason, SourceRef(source.topic, source.partition,
                                                                            source.offset)))
                continue
            fields = envelope_fields(parsed)
        if fields[0] in seen:
            plan.duplicates_in_batch += 1
            continue
        seen.add(fields[0])
        rows.append((*fields, source.topic, source.partition, source.offset))
    plan.accepted = EventColumns.from_rows(rows)  # one transposition: cheaper than twelve appends per event
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
