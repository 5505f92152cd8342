"""The base of every HTTP body: snake_case in Python, camelCase on the wire (API.md).

`alias_generator=to_camel` names each field on the wire, so a schema writes `Field(alias=...)` only where the wire
name is not the camelCase of the Python name (e.g. `took_ms` kept as is by search). Input accepts either name
(`populate_by_name`), so code builds models with Python names and clients send camelCase.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class CamelModel(BaseModel):
    """camelCase on the wire; unknown input fields ignored. Subclasses tighten `extra` where a body must be exact."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ApiModel(CamelModel):
    """A strict body: an unknown field is a 422 (a typo never passes silently) and text is stripped of surrounding
    whitespace before its length and pattern checks."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
