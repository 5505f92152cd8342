"""Collects simulated events by the day they happen, and turns a day's events into Kafka-ready envelopes.

An order's whole future (payment, shipping, returns) is decided when it is placed, so events are bucketed by their
own `occurredAt` and released day by day in time order: the topics then look like a live system's history.
Events at or after the window's end have not happened yet and are dropped (counted as `beyond_horizon`).
Every payload is validated against its registered contract, as the services' unit of work does.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from kernel.contracts.base import Contract
from kernel.contracts.registry import contract_for
from simulator.config import SimConfig
from simulator.ids import IdSource

PRE_WINDOW = -1  # the bucket of everything before the window (catalog setup, earlier signups)


@dataclass(slots=True)
class Pending:
    at: datetime
    seq: int
    type: str
    key: str
    data: dict[str, Any]
    actor_id: str | None


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    key: bytes
    value: bytes
    type: str


class Emitter:
    def __init__(self, cfg: SimConfig) -> None:
        self.cfg = cfg
        self._buckets: dict[int, list[Pending]] = {}
        self._seq = 0
        self.beyond_horizon = 0

    def emit(self, event_type: str, data: dict[str, Any], *, key: str, at: datetime,
             actor_id: str | None = None) -> None:
        if at >= self.cfg.end_at:
            self.beyond_horizon += 1
            return
        day = max(PRE_WINDOW, (at - self.cfg.start_at).days)
        self._seq += 1
        self._buckets.setdefault(day, []).append(Pending(at, self._seq, event_type, key, data, actor_id))

    def take(self, day: int) -> list[Pending]:
        events = self._buckets.pop(day, [])
        events.sort(key=lambda e: (e.at, e.seq))
        return events


def iso(at: datetime) -> str:
    """Envelope's occurredAt format (UTC, "Z"); simulated times are already UTC."""
    text = at.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else at.astimezone(timezone.utc).isoformat()[:-6] + "Z"


class Encoder:
    """Pending events → envelopes (kernel.events.Envelope's exact JSON), validated by their contracts."""

    def __init__(self, correlation_id: str) -> None:
        self._contracts: dict[str, Contract] = {}
        self._trace = f'"trace":{{"requestId":null,"correlationId":"{correlation_id}"}}}}'
        self.counts: Counter[str] = Counter()

    def contract(self, event_type: str) -> Contract:
        found = self._contracts.get(event_type)
        if found is None:
            found = self._contracts[event_type] = contract_for(event_type)
        return found

    def encode(self, events: list[Pending], ids: IdSource) -> list[Message]:
        out = []
        for e in events:
            contract = self.contract(e.type)
            data = contract.model.model_validate(e.data).model_dump_json(by_alias=True)
            actor = "null" if e.actor_id is None else f'"{e.actor_id}"'
            value = (f'{{"eventId":"{ids.uuid(e.at)}","type":"{e.type}","version":{contract.version},'
                     f'"occurredAt":"{iso(e.at)}","actor":{{"type":"simulator","id":{actor}}},'
                     f'"data":{data},{self._trace}')
            out.append(Message(contract.topic.name, e.key.encode(), value.encode(), e.type))
            self.counts[e.type] += 1
        return out
