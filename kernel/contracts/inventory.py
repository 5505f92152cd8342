"""Events produced by the inventory domain (topic inventory.v1; key = sku for stock, reservation id for holds)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import INVENTORY


class StockAdjusted(Payload):
    """A SKU's stock numbers after a change by its vendor (or the row's creation from the catalog)."""

    sku: str
    vendor_id: str = Field(alias="vendorId")
    product_id: str | None = Field(None, alias="productId")
    on_hand: int = Field(alias="onHand")
    reserved: int
    available: int
    delta: int  # change of on_hand (0 when only reorderPoint/safetyStock changed)
    reason: Literal["created", "set", "delta", "settings", "restock"]
    reorder_point: int = Field(0, alias="reorderPoint")
    safety_stock: int = Field(0, alias="safetyStock")
    at: datetime


class LowStock(Payload):
    """Available stock just crossed under the reorder point (emitted once per crossing)."""

    sku: str
    vendor_id: str = Field(alias="vendorId")
    product_id: str | None = Field(None, alias="productId")
    available: int
    reorder_point: int = Field(alias="reorderPoint")
    on_hand: int = Field(alias="onHand")
    reserved: int
    at: datetime


class ReservedLine(Payload):
    sku: str
    qty: int = Field(ge=1)
    vendor_id: str | None = Field(None, alias="vendorId")


class ReservationChanged(Payload):
    """inventory.reserved / committed / released: one reservation (all of its lines) changing status."""

    reservation_id: str = Field(alias="reservationId")
    reference: str
    status: Literal["active", "committed", "released", "expired"]
    items: list[ReservedLine]
    expires_at: datetime = Field(alias="expiresAt")
    reason: str | None = None  # released: "released" by the caller or "expired" by the sweeper
    at: datetime


CONTRACTS = [
    Contract("inventory.adjusted", 1, INVENTORY, StockAdjusted),
    Contract("inventory.low_stock", 1, INVENTORY, LowStock),
    Contract("inventory.reserved", 1, INVENTORY, ReservationChanged),
    Contract("inventory.committed", 1, INVENTORY, ReservationChanged),
    Contract("inventory.released", 1, INVENTORY, ReservationChanged),
]
