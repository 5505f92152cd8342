"""Events produced by the vendors domain."""
from __future__ import annotations

from kernel.contracts.base import Contract

CONTRACTS: list[Contract] = []
