"""The inventory HTTP contract (API.md § Inventory) and the internal reservations API used by checkout."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from apps.inventory.domain import MAX_QTY
from apps.inventory.orm import REFERENCE_MAX, SKU_MAX


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class Availability(_Model):
    sku: str
    available: int
    on_hand: int = Field(alias="onHand")
    reserved: int


class StockPatch(_Model):
    """Exactly one of onHand (absolute) / delta (relative) changes stock; reorder settings may come alone."""

    on_hand: int | None = Field(None, alias="onHand", ge=0, le=MAX_QTY)
    delta: int | None = Field(None, ge=-MAX_QTY, le=MAX_QTY)
    reorder_point: int | None = Field(None, alias="reorderPoint", ge=0, le=MAX_QTY)
    safety_stock: int | None = Field(None, alias="safetyStock", ge=0, le=MAX_QTY)

    @model_validator(mode="after")
    def _one_stock_field(self) -> "StockPatch":
        if self.on_hand is not None and self.delta is not None:
            raise ValueError("send either onHand or delta, not both")
        if all(v is None for v in (self.on_hand, self.delta, self.reorder_point, self.safety_stock)):
            raise ValueError("send at least one of onHand, delta, reorderPoint, safetyStock")
        return self


class VendorStock(_Model):
    sku: str
    product_id: str | None = Field(None, alias="productId")
    vendor_id: str = Field(alias="vendorId")
    on_hand: int = Field(alias="onHand")
    reserved: int
    available: int
    reorder_point: int = Field(alias="reorderPoint")
    safety_stock: int = Field(alias="safetyStock")
    low_stock: bool = Field(alias="lowStock")
    updated_at: datetime = Field(alias="updatedAt")


class VendorStockList(_Model):
    items: list[VendorStock]
    total: int
    page: int
    per_page: int = Field(alias="perPage")


class ReserveLine(_Model):
    sku: str = Field(min_length=1, max_length=SKU_MAX)
    qty: int = Field(ge=1, le=MAX_QTY)


class ReserveRequest(_Model):
    reference: str = Field(min_length=1, max_length=REFERENCE_MAX)
    items: list[ReserveLine] = Field(min_length=1, max_length=100)
    ttl_minutes: int | None = Field(None, alias="ttlMinutes", ge=1, le=7 * 24 * 60)


class ReservationOut(_Model):
    reservation_id: str = Field(alias="reservationId")
    reference: str
    status: str
    expires_at: datetime = Field(alias="expiresAt")
    created_at: datetime = Field(alias="createdAt")
    closed_at: datetime | None = Field(None, alias="closedAt")
    items: list[ReserveLine]
