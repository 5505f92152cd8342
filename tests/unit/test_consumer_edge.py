"""The consumer's typed edge (kernel.consumer): data read by its contract before a handler runs, drift parked on the
dead-letter topic with the reason, and a renamed event's old and new names reaching the same handler.

No database or broker: the unit of work, the inbox and the publisher are stand-ins (the same edge runs over Kafka in
the integration tests of every service's reactions).
"""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from kernel import consumer as consumer_module
from kernel.consumer import Event, EventConsumer
from kernel.contracts.payments import IntentCreated
from kernel.contracts.registry import DEPRECATED_NAMES, REGISTRY, contract_for
from kernel.contracts.shipping import LabelCreated
from kernel.contracts.topics import DEAD_LETTER
from kernel.events import Envelope

LABEL = {"orderNo": "MKT-1", "vendorId": "v1", "trackingNo": "TRK1", "carrier": "ups", "serviceLevel": "standard"}
RENAMES = {"payment.intent_created": "payment.intent.created", "shipping.label_created": "shipping.label.created",
           "shipping.status_updated": "shipping.status.updated", "review.created": "review.submitted"}


class _Uow:
    def __init__(self, *_: object) -> None:
        self.session, self.committed = object(), False

    async def __aenter__(self) -> "_Uow":
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    async def commit(self) -> None:
        self.committed = True


class _Publisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bytes]] = []

    async def send_many(self, records: list[tuple[str, str, bytes]]) -> list:
        self.sent.extend(records)
        return []

    def dead_letters(self) -> list[dict]:
        return [json.loads(value) for topic, _, value in self.sent if topic == DEAD_LETTER.name]


@pytest.fixture
def edge(monkeypatch):
    """A consumer of shipping.label.created whose handler records what it was handed."""
    seen: list[Event] = []

    async def on_label(*, uow, event: Event[LabelCreated]) -> None:
        seen.append(event)

    async def first_time(*_, **__) -> bool:
        return True

    monkeypatch.setattr(consumer_module, "UnitOfWork", _Uow)
    monkeypatch.setattr(consumer_module, "first_time", first_time)
    publisher = _Publisher()
    consumer = EventConsumer(name="t-reactions", topics=[], handlers={"shipping.label.created": on_label},
                             db=SimpleNamespace(sessions=None),
                             outbox=None, inbox=None, publisher=publisher, bootstrap_servers="")
    return consumer, seen, publisher


def _raw(event_type: str, data: dict, **envelope) -> bytes:
    return Envelope(type=event_type, data=data, **envelope).to_json()


async def test_handler_gets_the_contract_model_not_a_dict(edge):
    consumer, seen, publisher = edge
    assert await consumer.handle(_raw("shipping.label.created", LABEL)) is True
    [event] = seen
    assert isinstance(event.data, LabelCreated)
    assert (event.data.order_no, event.data.tracking_no, event.data.service_level) == ("MKT-1", "TRK1", "standard")
    assert event.type == "shipping.label.created" and publisher.sent == []


async def test_data_off_its_contract_is_dead_lettered_with_the_reason_and_never_handled(edge):
    consumer, seen, publisher = edge
    drifted = {k: v for k, v in LABEL.items() if k != "trackingNo"} | {"serviceLevel": "teleport"}
    assert await consumer.handle(_raw("shipping.label.created", drifted)) is False
    assert seen == []
    [letter] = publisher.dead_letters()
    assert letter["consumer"] == "t-reactions"
    assert "does not match its contract" in letter["reason"]
    assert "trackingNo" in letter["reason"] and "serviceLevel" in letter["reason"]
    assert json.loads(letter["original"])["data"] == drifted


async def test_an_unknown_contract_version_is_dead_lettered(edge):
    consumer, seen, publisher = edge
    assert await consumer.handle(_raw("shipping.label.created", LABEL, version=2)) is False
    assert seen == [] and "v2" in publisher.dead_letters()[0]["reason"]


async def test_a_field_a_newer_producer_added_is_ignored_not_fatal(edge):
    consumer, seen, _ = edge
    assert await consumer.handle(_raw("shipping.label.created", {**LABEL, "labelFormat": "zpl"})) is True
    assert seen[0].data.tracking_no == "TRK1"


async def test_old_and_new_name_reach_the_same_handler_under_the_new_name(edge):
    consumer, seen, publisher = edge
    assert consumer.handles("shipping.label_created") and consumer.handles("shipping.label.created")
    assert await consumer.handle(_raw("shipping.label_created", LABEL)) is True
    assert await consumer.handle(_raw("shipping.label.created", {**LABEL, "trackingNo": "TRK2"})) is True
    assert [(e.type, e.envelope.type, e.data.tracking_no) for e in seen] == [
        ("shipping.label.created", "shipping.label_created", "TRK1"),
        ("shipping.label.created", "shipping.label.created", "TRK2")]
    assert publisher.sent == []


async def test_a_handler_map_keyed_by_an_old_name_still_subscribes_under_the_new_one(monkeypatch):
    async def on_intent(*, uow, event: Event[IntentCreated]) -> None:
        return None

    consumer = EventConsumer(name="t", topics=[], handlers={"payment.intent_created": on_intent}, db=None,
                             outbox=None, inbox=None, publisher=None, bootstrap_servers="")
    assert set(consumer.handlers) == {"payment.intent.created"}


def test_each_renamed_event_keeps_its_old_name_as_a_deprecated_name_of_the_same_contract():
    for old, new in RENAMES.items():
        assert old not in REGISTRY and new in REGISTRY
        assert DEPRECATED_NAMES[old] is REGISTRY[new] is contract_for(old)
        assert contract_for(old).type == new


async def test_simulated_history_is_skipped_before_it_is_read(edge):
    consumer, seen, publisher = edge
    raw = _raw("shipping.label.created", {"junk": True}, actor={"type": "simulator"})
    assert await consumer.handle(raw) is False
    assert seen == [] and publisher.sent == []
