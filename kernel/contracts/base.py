"""What an event contract is: a type name, a version, a topic and a pydantic payload model."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from kernel.contracts.topics import Topic


class Payload(BaseModel):
    """Event payloads: camelCase on the wire, unknown fields refused at the producer."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")


@dataclass(frozen=True)
class Contract:
    type: str
    version: int
    topic: Topic
    model: type[Payload]

    def validate(self, data: dict[str, Any] | Payload) -> dict[str, Any]:
        model = data if isinstance(data, self.model) else self.model.model_validate(data)
        return model.model_dump(mode="json", by_alias=True)

    def schema_name(self) -> str:
        return f"{self.type}.v{self.version}.json"
