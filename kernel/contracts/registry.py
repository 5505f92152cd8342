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


class UnknownEventType(KeyError):
    pass


def contract_for(event_type: str) -> Contract:
    try:
        return REGISTRY[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None
