"""Events produced by the profiles domain."""
from __future__ import annotations

from kernel.contracts.base import Contract

CONTRACTS: list[Contract] = []
