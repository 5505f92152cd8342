"""Events produced by the AI serving service (topic ai.v1; key = the request's user id or the order number, so one
shopper's recommendation events and one order's fraud events stay in order)."""
from __future__ import annotations

from kernel.contracts.base import Contract

CONTRACTS: tuple[Contract, ...] = ()
