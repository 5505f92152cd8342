"""The reviews HTTP contract (API.md § Reviews): camelCase JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kernel.ids import is_uuid


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class ReviewIn(_Model):
    product_id: str = Field(alias="productId", max_length=64)
    order_no: str = Field(alias="orderNo", min_length=1, max_length=64)
    rating: int = Field(ge=1, le=5)
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=5000)

    @field_validator("product_id")
    @classmethod
    def _product(cls, value: str) -> str:
        if not is_uuid(value):
            raise ValueError("must be a product id")
        return value.lower()


class ModerationIn(_Model):
    is_approved: bool = Field(alias="isApproved")
    reason: str | None = Field(None, max_length=500)


class ReviewOut(_Model):
    id: str
    product_id: str = Field(alias="productId")
    order_no: str = Field(alias="orderNo")
    rating: int
    title: str | None = None
    body: str | None = None
    status: Literal["pending", "approved", "rejected"]
    verified_purchase: bool = Field(True, alias="verifiedPurchase")
    created_at: datetime = Field(alias="createdAt")


class AdminReviewOut(ReviewOut):
    user_id: str = Field(alias="userId")
    moderated_by: str | None = Field(None, alias="moderatedBy")
    moderated_at: datetime | None = Field(None, alias="moderatedAt")
    rejection_reason: str | None = Field(None, alias="rejectionReason")


class PublicReviewOut(_Model):
    id: str
    product_id: str = Field(alias="productId")
    rating: int
    title: str | None = None
    body: str | None = None
    verified_purchase: bool = Field(True, alias="verifiedPurchase")
    created_at: datetime = Field(alias="createdAt")


class ProductReviewsPage(_Model):
    product_id: str = Field(alias="productId")
    items: list[PublicReviewOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")
    rating_avg: float | None = Field(alias="ratingAvg")
    rating_count: int = Field(alias="ratingCount")


class AdminReviewsPage(_Model):
    items: list[AdminReviewOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")
