"""Events produced by the search service (topic search.v1; key = the request id)."""
from __future__ import annotations

from kernel.contracts.base import Contract

CONTRACTS: tuple[Contract, ...] = ()
