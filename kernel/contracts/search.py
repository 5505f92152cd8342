"""Events produced by the search service (topic search.v1; key = the request id).

`search.served` is the server's record of one /v1/search answer: the query, how many products matched, the latency.
(`search.performed` is the storefront's clickstream event, sent by the browser through /v1/events/track; the two
names differ because one event type has one contract and one topic.) Zero-result queries are the rows with
`found = 0`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import SEARCH


class SearchServed(Payload):
    query: str = Field(max_length=200)
    mode: Literal["keyword", "semantic", "hybrid", "suggest"]
    found: int = Field(ge=0)
    returned: int = Field(ge=0)
    latency_ms: float = Field(alias="latencyMs", ge=0)
    engine_ms: float | None = Field(None, alias="engineMs", ge=0)
    page: int = Field(1, ge=1)
    per_page: int = Field(alias="perPage", ge=0)
    filters: dict[str, str] = Field(default_factory=dict)
    user_id: str | None = Field(None, alias="userId", max_length=64)
    at: datetime


CONTRACTS: tuple[Contract, ...] = (
    Contract("search.served", 1, SEARCH, SearchServed),
)
