import pytest
from pydantic import ValidationError

from kernel.contracts.registry import REGISTRY, UnknownEventType, contract_for
from kernel.contracts.schemas import stale_files
from kernel.contracts.topics import ALL_TOPICS
from kernel.events import Envelope


def test_checked_in_json_schemas_are_current():
    assert stale_files() == [], "run `mkt contracts schemas` and commit kernel/contracts/schemas/"


def test_every_contract_names_a_declared_topic_and_a_plan_style_type():
    names = {t.name for t in ALL_TOPICS}
    for event_type, contract in REGISTRY.items():
        assert contract.topic.name in names
        assert event_type.count(".") >= 1 and event_type == event_type.lower()


def test_payload_validated_at_the_producer():
    with pytest.raises(ValidationError):
        contract_for("category.created").validate({"categoryId": "x"})
    with pytest.raises(UnknownEventType):
        contract_for("order.teleported")


def test_envelope_round_trips_with_utc_iso_time():
    env = Envelope(type="user.created", data={"userId": "u"})
    raw = env.to_json()
    assert b'"occurredAt":"' in raw and b'Z"' in raw
    again = Envelope.from_json(raw)
    assert again.event_id == env.event_id and again.occurred_at == env.occurred_at
    with pytest.raises(ValidationError):
        Envelope.from_json(b'{"type": "BAD TYPE", "data": {}}')
