"""The inventory HTTP contract (API.md § Inventory) and the internal reservations API used by checkout."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from apps.inventory.domain import MAX_QTY
from apps.inventory.orm import REFERENCE_MAX, SKU_MAX
from kernel.api_model import ApiModel
from kernel.paging import Page


class Availability(ApiModel):
    sku: str
    available: int
    on_hand: int
    reserved: int


class StockPatch(ApiModel):
    """Exactly one of onHand (absolute) / delta (relative) changes stock; reorder settings may come alone."""

    on_hand: int | None = Field(None, ge=0, le=MAX_QTY)
    delta: int | None = Field(None, ge=-MAX_QTY, le=MAX_QTY)
    reorder_point: int | None = Field(None, ge=0, le=MAX_QTY)
    safety_stock: int | None = Field(None, ge=0, le=MAX_QTY)

    @model_validator(mode="after")
    def _one_stock_field(self) -> "StockPatch":
        if self.on_hand is not None and self.delta is not None:
            raise ValueError("send either onHand or delta, not both")
        if all(v is None for v in (self.on_hand, self.delta, self.reorder_point, self.safety_stock)):
            raise ValueError("send at least one of onHand, delta, reorderPoint, safetyStock")
        return self


class VendorStock(ApiModel):
    sku: str
    product_id: str | None = None
    vendor_id: str
    on_hand: int
    reserved: int
    available: int
    reorder_point: int
    safety_stock: int
    low_stock: bool
    updated_at: datetime


class VendorStockList(Page[VendorStock]):
    pass


class ReserveLine(ApiModel):
    sku: str = Field(min_length=1, max_length=SKU_MAX)
    qty: int = Field(ge=1, le=MAX_QTY)


class ReserveRequest(ApiModel):
    reference: str = Field(min_length=1, max_length=REFERENCE_MAX)
    items: list[ReserveLine] = Field(min_length=1, max_length=100)
    ttl_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60)


class ReservationOut(ApiModel):
    reservation_id: str
    reference: str
    status: str
    expires_at: datetime
    created_at: datetime
    closed_at: datetime | None = None
    items: list[ReserveLine]
