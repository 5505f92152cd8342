"""What an event contract is: a type name, a version, a topic and a pydantic payload model."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

from kernel.contracts.topics import Topic

# Validation context of a consumer reading a payload (kernel.consumer): fields it does not know are ignored there.
READING = {"reading": True}


class Payload(BaseModel):
    """Event payloads: camelCase on the wire, unknown fields refused at the producer.

    A consumer reads with the READING context instead: an optional field a newer producer added is ignored (the
    tolerant reader), while a missing required field or a wrong type still fails, so a drift is never read as ""."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _ignore_unknown_when_reading(cls, data: Any, info: ValidationInfo) -> Any:
        if not (isinstance(data, dict) and info.context and info.context.get("reading")):
            return data
        known = {name for name in cls.model_fields} | {f.alias for f in cls.model_fields.values() if f.alias}
        return {k: v for k, v in data.items() if k in known}

    def wire(self) -> dict[str, Any]:
        """This payload as it travels (camelCase JSON values), for code written against the wire shape."""
        return self.model_dump(mode="json", by_alias=True)


@dataclass(frozen=True)
class Contract:
    type: str
    version: int
    topic: Topic
    model: type[Payload]
    # Former names of this event (a rename's versioned path): consumers accept them as this type while producers
    # move over; each contract module says when they may be dropped.
    deprecated_names: tuple[str, ...] = ()

    def validate(self, data: dict[str, Any] | Payload) -> dict[str, Any]:
        model = data if isinstance(data, self.model) else self.model.model_validate(data)
        return model.model_dump(mode="json", by_alias=True)

    def read(self, data: dict[str, Any]) -> Payload:
        """A received payload as its model (kernel.consumer's edge); raises pydantic.ValidationError on drift."""
        return self.model.model_validate(data, context=READING)

    def schema_name(self) -> str:
        return f"{self.type}.v{self.version}.json"
