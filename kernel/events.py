"""The event envelope every producer writes and every consumer reads.

{eventId, type, version, occurredAt, actor{type,id}, data, trace{requestId, correlationId}}
`type` uses the product plan's names ("order.paid"); `data` is validated by the producing domain's contract.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from kernel.clock import utcnow
from kernel.ids import new_id_str

ActorType = Literal["user", "system", "admin", "vendor", "simulator"]



class _Camel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class Actor(_Camel):
    type: ActorType = "system"
    id: str | None = None


class Trace(_Camel):
    request_id: str | None = Field(None, alias="requestId")
    correlation_id: str | None = Field(None, alias="correlationId")
    # W3C trace context of the span that wrote the event (kernel/tracing.py); absent when tracing is off, so
    # untraced envelopes are byte-for-byte what they were.
    traceparent: str | None = Field(None, alias="traceparent", exclude_if=lambda v: v is None)


class Envelope(_Camel):
    event_id: str = Field(default_factory=new_id_str, alias="eventId")
    type: str = Field(min_length=3, pattern=r"^[a-z_]+(\.[a-z_]+)+$")
    version: int = Field(1, ge=1)
    occurred_at: datetime = Field(default_factory=utcnow, alias="occurredAt")
    actor: Actor = Field(default_factory=Actor)
    data: dict[str, Any]
    trace: Trace = Field(default_factory=Trace)

    @field_serializer("occurred_at")
    def _iso(self, value: datetime) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

    def to_json(self) -> bytes:
        return self.model_dump_json(by_alias=True).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Envelope":
        return cls.model_validate_json(raw)
