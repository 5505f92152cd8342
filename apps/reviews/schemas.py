"""The reviews HTTP contract (API.md § Reviews): camelCase JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from kernel.api_model import ApiModel
from kernel.ids import is_uuid
from kernel.paging import Page


class ReviewIn(ApiModel):
    product_id: str = Field(max_length=64)
    order_no: str = Field(min_length=1, max_length=64)
    rating: int = Field(ge=1, le=5)
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=5000)

    @field_validator("product_id")
    @classmethod
    def _product(cls, value: str) -> str:
        if not is_uuid(value):
            raise ValueError("must be a product id")
        return value.lower()


class ModerationIn(ApiModel):
    is_approved: bool
    reason: str | None = Field(None, max_length=500)


class ReviewOut(ApiModel):
    id: str
    product_id: str
    order_no: str
    rating: int
    title: str | None = None
    body: str | None = None
    status: Literal["pending", "approved", "rejected"]
    verified_purchase: bool = True
    created_at: datetime


class AdminReviewOut(ReviewOut):
    user_id: str
    moderated_by: str | None = None
    moderated_at: datetime | None = None
    rejection_reason: str | None = None


class PublicReviewOut(ApiModel):
    id: str
    product_id: str
    rating: int
    title: str | None = None
    body: str | None = None
    verified_purchase: bool = True
    created_at: datetime


class ProductReviewsPage(Page[PublicReviewOut]):
    product_id: str
    rating_avg: float | None
    rating_count: int


class AdminReviewsPage(Page[AdminReviewOut]):
    pass
