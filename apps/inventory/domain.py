"""Pure stock rules: availability, the low-stock crossing, stock changes, all-or-nothing shortfalls and the
reservation state machine. No IO: the use cases feed these the locked rows' numbers."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apps.inventory.exceptions import (
    InvalidStockChange,
    NegativeStock,
    ReservationClosed,
    StockBelowReserved,
)

# Stock numbers are PostgreSQL integers; keep well inside int32 so a delta cannot overflow the column.
MAX_QTY = 1_000_000_000


def available(on_hand: int, reserved: int) -> int:
    return on_hand - reserved


def is_low(available_qty: int, reorder_point: int) -> bool:
    """Low stock: available under the reorder point (a reorder point of 0 switches the alert off)."""
    return available_qty < reorder_point


def crossed_into_low(*, before_available: int, before_reorder_point: int, after_available: int,
                     after_reorder_point: int) -> bool:
    """True only on the transition into low stock, so the alert fires once per crossing, not per change."""
    return (not is_low(before_available, before_reorder_point)) and is_low(after_available, after_reorder_point)


def target_on_hand(*, on_hand: int, reserved: int, set_to: int | None = None, delta: int | None = None) -> int:
    """The new on_hand of a vendor's change: absolute (`set_to`) or relative (`delta`), never both."""
    if set_to is not None and delta is not None:
        raise InvalidStockChange("Send either onHand or delta, not both.",
                                 errors=[{"field": "delta", "message": "exclusive with onHand"}])
    if set_to is not None and set_to < 0:
        raise InvalidStockChange("onHand cannot be negative.", errors=[{"field": "onHand", "message": ">= 0"}])
    target = set_to if set_to is not None else on_hand + (delta or 0)
    if target < 0:
        raise NegativeStock(f"A delta of {delta} would leave {target} on hand.")
    if target < reserved:
        raise StockBelowReserved(f"{reserved} units are reserved; on hand cannot go below that (asked {target}).")
    if target > MAX_QTY:
        raise InvalidStockChange(f"On hand cannot exceed {MAX_QTY}.")
    return target


def merge_lines(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum quantities per SKU (a cart may list one SKU twice), in sorted-SKU order."""
    merged: dict[str, int] = {}
    for sku, qty in lines:
        merged[sku] = merged.get(sku, 0) + qty
    return dict(sorted(merged.items()))


@dataclass(frozen=True)
class Movement:
    """One ledger row to write: a change of one SKU's numbers, and what it was for."""
    sku: str
    delta_on_hand: int = 0
    delta_reserved: int = 0
    reference: str | None = None


@dataclass(frozen=True)
class StockLevel:
    """A stock row right after a move changed it, with the move's net deltas (so the numbers before are known)."""
    sku: str
    vendor_id: str
    product_id: str | None
    on_hand: int
    reserved: int
    reorder_point: int
    delta_on_hand: int
    delta_reserved: int

    @property
    def available(self) -> int:
        return available(self.on_hand, self.reserved)

    @property
    def available_before(self) -> int:
        return self.available - self.delta_on_hand + self.delta_reserved


@dataclass(frozen=True)
class Shortfall:
    sku: str
    requested: int
    available: int

    def as_error(self) -> dict:
        return {"field": "items", "sku": self.sku, "requested": self.requested, "available": self.available,
                "message": "unknown SKU" if self.available < 0 else "insufficient stock"}


def shortfalls(requested: Mapping[str, int], available_by_sku: Mapping[str, int]) -> list[Shortfall]:
    """Every SKU that cannot be covered (unknown SKUs report available -1). Empty list: reserve all of it."""
    short = []
    for sku, qty in sorted(requested.items()):
        have = available_by_sku.get(sku, -1)
        if have < qty:
            short.append(Shortfall(sku, qty, have))
    return short


def should_commit(status: str) -> bool:
    """Commit is idempotent: True to apply it, False if already committed; a released reservation is gone."""
    if status == "active":
        return True
    if status == "committed":
        return False
    raise ReservationClosed(f"The reservation is {status}; its stock was given back and cannot be committed.",
                            errors=[{"field": "status", "status": status, "message": "reservation closed"}])


def should_release(status: str) -> bool:
    """Release is idempotent (released or expired: nothing to do); committed stock has already left."""
    if status == "active":
        return True
    if status in ("released", "expired"):
        return False
    raise ReservationClosed("The reservation is committed; its stock has left the warehouse.",
                            errors=[{"field": "status", "status": status, "message": "reservation closed"}])
