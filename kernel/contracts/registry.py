"""One registry of every event type the system produces (see saleor's event_types.py for the idea)."""
from __future__ import annotations

from kernel.contracts import (
    ai, backoffice, carts, catalog, clickstream, coupons, fraud, inventory, notifications, ops, orders,
    payments, profiles, reviews, search, shipping, users, vendors,
)
from kernel.contracts.base import Contract

_MODULES = (users, profiles, vendors, catalog, inventory, orders, payments, carts, coupons, shipping, reviews,
            notifications, clickstream, ai, search, fraud, backoffice, ops)

REGISTRY: dict[str, Contract] = {c.type: c for module in _MODULES for c in module.CONTRACTS}
# A renamed event's former names → its contract (consumers accept both names during the change; see
# Contract.deprecated_names and the contract module's docstring for when an old name goes).
DEPRECATED_NAMES: dict[str, Contract] = {old: c for c in REGISTRY.values() for old in c.deprecated_names}


class UnknownEventType(KeyError):
    pass


def contract_for(event_type: str) -> Contract:
    """The contract of `event_type`, also under a deprecated former name (then `.type` is the current name)."""
    contract = REGISTRY.get(event_type) or DEPRECATED_NAMES.get(event_type)
    if contract is None:
        raise UnknownEventType(event_type)
    return contract
