"""The sink's pure rules: what is accepted, what is dead-lettered and why, what a row looks like, dedupe."""
from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timedelta, timezone

import orjson
import pytest

from kernel.events import Actor, Envelope, Trace
from streams.warehouse_sink.logic import (
    EVENT_COLUMNS, Rejected, Rejection, SourceRef, canonical_ids, dead_letter_payload,
    envelope_fields, fast_fields, parse_envelope, plan_batch, to_row,
)

SRC = SourceRef("orders.v1", 2, 41)
NOW = datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)


def envelope(**overrides) -> Envelope:
    fields = dict(type="order.paid", data={"orderId": "o-1", "amountMinor": 1299, "currency": "EUR"})
    fields.update(overrides)
    return Envelope(**fields)


def raw(**overrides) -> bytes:
    return envelope(**overrides).to_json()


def test_good_envelope_round_trips_with_canonical_id():
    event_id = str(uuid.uuid4())
    parsed = parse_envelope(raw(event_id=event_id.upper()))
    assert isinstance(parsed, Envelope)
    assert parsed.event_id == event_id
    assert parsed.type == "order.paid" and parsed.data["amountMinor"] == 1299


def test_naive_occurred_at_is_taken_as_utc():
    body = json.loads(raw())
    body["occurredAt"] = "2025-01-02T03:04:05"
    parsed = parse_envelope(json.dumps(body).encode())
    assert isinstance(parsed, Envelope)
    assert parsed.occurred_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_offset_occurred_at_is_converted_to_utc():
    body = json.loads(raw())
    body["occurredAt"] = "2025-01-02T05:04:05+02:00"
    parsed = parse_envelope(json.dumps(body).encode())
    assert parsed.occurred_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("payload", "reason_starts"),
    [
        (None, "empty message"),
        (b"", "empty message"),
        (b"\xff\xfe garbage", "invalid JSON"),
        (b"{not json", "invalid JSON"),
        (b"[1, 2, 3]", "invalid envelope"),
        (b'{"type": "order.paid"}', "invalid envelope: data"),
        (b'{"type": "Order Paid", "data": {}}', "invalid envelope: type"),
        (b'{"type": "order.paid", "data": {}, "extra": 1}', "invalid envelope: extra"),
    ],
)
def test_bad_messages_are_rejected_with_a_reason(payload, reason_starts):
    parsed = parse_envelope(payload)
    assert isinstance(parsed, Rejection)
    assert parsed.reason.startswith(reason_starts), parsed.reason


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("eventId", "not-a-uuid", "is not a UUID"),
        ("version", 70_000, "exceeds"),
        ("occurredAt", "2400-01-01T00:00:00Z", "out of range"),
        ("occurredAt", "1800-01-01T00:00:00Z", "out of range"),
    ],
)
def test_values_the_warehouse_cannot_hold_are_rejected(field, value, needle):
    body = json.loads(raw())
    body[field] = value
    parsed = parse_envelope(json.dumps(body).encode())
    assert isinstance(parsed, Rejection)
    assert needle in parsed.reason


def test_row_follows_the_column_order():
    env = envelope(
        actor=Actor(type="user", id="u-7"), trace=Trace(request_id="r-1", correlation_id="c-1"), version=2,
        occurred_at=NOW - timedelta(seconds=5),
    )
    row = to_row(env, SRC, NOW)
    assert len(row) == len(EVENT_COLUMNS)
    values = dict(zip(EVENT_COLUMNS, row))
    assert values["event_id"] == uuid.UUID(env.event_id)
    assert values["type"] == "order.paid" and values["version"] == 2
    assert values["occurred_at"] == NOW - timedelta(seconds=5)
    assert (values["actor_type"], values["actor_id"]) == ("user", "u-7")
    assert json.loads(values["data"]) == {"orderId": "o-1", "amountMinor": 1299, "currency": "EUR"}
    assert (values["request_id"], values["correlation_id"]) == ("r-1", "c-1")
    assert (values["topic"], values["partition"], values["offset"]) == ("orders.v1", 2, 41)
    assert values["ingested_at"] == NOW


def test_absent_optional_fields_become_empty_strings():
    values = dict(zip(EVENT_COLUMNS, to_row(envelope(), SRC, NOW)))
    assert values["actor_type"] == "system"
    assert values["actor_id"] == values["request_id"] == values["correlation_id"] == ""


def test_data_keeps_unicode_and_nesting():
    env = envelope(data={"title": "Crème brûlée ☕", "lines": [{"sku": "A", "qty": 2}]})
    data = dict(zip(EVENT_COLUMNS, to_row(env, SRC, NOW)))["data"]
    assert "Crème brûlée ☕" in data
    assert json.loads(data)["lines"] == [{"sku": "A", "qty": 2}]


def test_dedupe_keeps_the_first_occurrence():
    a, b = raw(), raw()
    plan = plan_batch([(a, SourceRef("t", 0, 1)), (b, SRC), (a, SourceRef("t", 0, 9))])
    assert plan.accepted.event_id == [orjson.loads(a)["eventId"], orjson.loads(b)["eventId"]]
    assert plan.accepted.offset[0] == 1


def test_existing_ids_are_compared_whether_uuid_or_str():
    a, b, c = envelope(), envelope(), envelope()
    existing = canonical_ids({uuid.UUID(a.event_id), c.event_id.upper()})
    assert [e.event_id for e in (a, b, c) if e.event_id not in existing] == [b.event_id]


def test_plan_batch_splits_and_dedupes():
    good = raw()
    other = raw()
    messages = [(good, SourceRef("t", 0, 0)), (b"junk", SourceRef("t", 0, 1)), (good, SourceRef("t", 0, 2)),
                (other, SourceRef("t", 1, 0)), (None, SourceRef("t", 1, 1))]
    plan = plan_batch(messages)
    assert len(plan.accepted) == 2
    assert plan.duplicates_in_batch == 1
    assert [(r.source.offset, r.reason.split(":")[0]) for r in plan.rejected] == [(1, "invalid JSON"),
                                                                                  (1, "empty message")]


def test_dead_letter_payload_keeps_original_bytes_and_reason():
    original = b"\x00\xffnot an envelope"
    record = json.loads(dead_letter_payload(Rejected(original, "invalid JSON: x", SRC), NOW))
    assert record["reason"] == "invalid JSON: x"
    assert record["source"] == {"topic": "orders.v1", "partition": 2, "offset": 41}
    assert base64.b64decode(record["originalBase64"]) == original
    assert record["rejectedAt"] == "2025-01-02T03:04:05.678000Z"
    assert "not an envelope" in record["originalPreview"]


def test_dead_letter_payload_of_an_empty_message():
    record = json.loads(dead_letter_payload(Rejected(None, "empty message", SRC), NOW))
    assert record["originalBase64"] == "" and record["reason"] == "empty message"


# ---- the fast path: a strict subset of what parse_envelope accepts, with the same values ----------------------
def _body(**changes) -> bytes:
    body = json.loads(raw(actor=Actor(type="user", id="u-1"), trace=Trace(request_id="r-1", correlation_id="c-1")))
    for key, value in changes.items():
        if value is _DROP:
            body.pop(key)
        else:
            body[key] = value
    return json.dumps(body).encode()


_DROP = object()
_SAME_AS_SLOW = [
    _body(), raw(), _body(occurredAt="2025-01-02T05:04:05.5+02:00"), _body(occurredAt="2025-01-02T03:04:05"),
    _body(occurredAt="1900-01-01T00:00:00Z"), _body(occurredAt="2299-12-31T00:00:00Z"), _body(version=65_535),
    _body(actor={}), _body(actor=_DROP), _body(trace={"traceparent": "00-ab-cd-01"}), _body(trace=_DROP),
    _body(data={"title": "Crème ☕", "n": [1, 2.5, None, True], "deep": {"x": {"y": []}}}),
    _body(data={"big": 12345678901234567890123}), _body(data={"id": "1234567890123456789012"}),
    _body(eventId=str(uuid.uuid4()).upper()), _body(version=_DROP), _body(eventId=_DROP), _body(occurredAt=_DROP),
    _body(version=2.0), _body(version="3"), _body(version=True), _body(occurredAt=12345),
    _body(data={"x": float("nan")}), _body(trace={"request_id": "r"}),
]
_REJECTED = [
    b"\xff\xfe garbage", b"{not json", b"[1, 2, 3]", b'{"type": "order.paid"}', b'{"type": "Order Paid", "data": {}}',
    b'{"type": "order.paid", "data": {}, "extra": 1}', _body(eventId="not-a-uuid"), _body(version=0),
    _body(version=70_000), _body(occurredAt="2400-01-01T00:00:00Z"),
    _body(occurredAt="1800-01-01T00:00:00Z"), _body(occurredAt="2025-02-30T00:00:00Z"),
    _body(occurredAt="2025-01-02T03:04:05+00:60"), _body(occurredAt="2025-01-02T24:00:00Z"),
    _body(type="order.paid\n"), _body(type="or"), _body(data=None), _body(data=[1]),
    _body(actor=None), _body(actor={"type": "robot"}), _body(actor={"type": "user", "id": 7}),
    _body(actor={"type": "user", "extra": 1}), _body(trace=None), _body(trace={"requestId": 1}),
]


def _slow_fields(message: bytes) -> tuple | None:
    parsed = parse_envelope(message)
    if isinstance(parsed, Rejection):
        return None
    fields = envelope_fields(parsed)
    return (*fields[:6], json.loads(fields[6]), *fields[7:])


@pytest.mark.parametrize("message", _SAME_AS_SLOW + _REJECTED)
def test_the_fast_path_accepts_only_what_parse_envelope_accepts_with_the_same_values(message):
    fast = fast_fields(message)
    if fast is not None:
        assert (*fast[:6], orjson.loads(orjson.dumps(fast[6])), *fast[7:]) == _slow_fields(message)


def test_the_fast_path_takes_the_usual_envelopes():
    assert fast_fields(_body()) is not None and fast_fields(raw()) is not None
    assert fast_fields(_body(occurredAt="2025-01-02T05:04:05.5+02:00"))[3] == int(
        datetime(2025, 1, 2, 3, 4, 5, 500000, tzinfo=timezone.utc).timestamp() * 1000)


@pytest.mark.parametrize("message", _REJECTED)
def test_plan_batch_rejects_what_parse_envelope_rejects(message):
    plan = plan_batch([(message, SRC)])
    assert len(plan.accepted) == 0
    assert [r.reason for r in plan.rejected] == [parse_envelope(message).reason]


def test_plan_batch_keeps_huge_integers_exact():
    plan = plan_batch([(_body(data={"big": 12345678901234567890123}), SRC)])
    assert json.loads(orjson.loads(plan.accepted.insert_block(NOW))[6][0]) == {"big": 12345678901234567890123}


def test_insert_block_is_one_array_per_column():
    env = envelope(occurred_at=NOW - timedelta(seconds=5), actor=Actor(type="user", id="u-7"))
    plan = plan_batch([(env.to_json(), SRC), (raw(), SourceRef("t", 1, 7))])
    columns = orjson.loads(plan.accepted.insert_block(NOW))
    assert len(columns) == len(EVENT_COLUMNS) and all(len(c) == 2 for c in columns)
    first = dict(zip(EVENT_COLUMNS, (c[0] for c in columns)))
    assert first["event_id"] == env.event_id and first["actor_id"] == "u-7" and first["request_id"] == ""
    assert first["occurred_at"] == 1735787040.678  # NOW - 5 s, exactly, as seconds with 3 decimals
    assert first["ingested_at"] == 1735787045.678
    assert first["data"] == {"orderId": "o-1", "amountMinor": 1299, "currency": "EUR"}
    assert (first["topic"], first["partition"], first["offset"]) == ("orders.v1", 2, 41)
    assert [c[1] for c in columns[9:12]] == ["t", 1, 7]
