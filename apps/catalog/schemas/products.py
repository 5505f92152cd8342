"""The products HTTP contract (API.md § Catalog): vendor create/update, admin review, public reads."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StringConstraints, field_validator

from apps.catalog.domain import CURRENCY_PATTERN, SKU_PATTERN
from kernel.api_model import ApiModel
from kernel.paging import Page

MAX_PRICE_MINOR = 10**13  # far above any real price, far below BIGINT: absurd input is a 422, not an overflow
Text50 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
AttrKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Finite = Annotated[float, Field(allow_inf_nan=False)]  # JSON NaN would make PostgreSQL refuse the JSONB
AttrScalar = bool | StrictInt | Finite | Annotated[str, StringConstraints(max_length=1000)] | None
AttrValue = AttrScalar | Annotated[list[bool | StrictInt | Finite | Annotated[str, StringConstraints(max_length=200)]],
                                   Field(max_length=50)]
ImageUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048, pattern=r"^https?://\S+$")]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Price = Annotated[StrictInt, Field(ge=0, le=MAX_PRICE_MINOR)]


class OptionIn(ApiModel):
    name: Text50
    values: list[Text50] = Field(min_length=1, max_length=50)

    @field_validator("values")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("option values repeat")
        return values


class VariantIn(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN)
    option_values: dict[Text50, Text50] = Field(default_factory=dict, max_length=10)
    price_minor: Price
    compare_at_price_minor: Price | None = None
    currency: str = Field(pattern=CURRENCY_PATTERN)
    tax_class: str | None = Field(None, max_length=32, pattern=r"^[a-z0-9_-]+$")
    weight_grams: Annotated[StrictInt, Field(ge=0, le=10_000_000)] | None = None


class VariantPatch(ApiModel):
    """A change to one SKU of the product, or a new SKU (then priceMinor and currency are required)."""

    sku: str = Field(pattern=SKU_PATTERN)
    option_values: dict[Text50, Text50] | None = Field(None, max_length=10)
    price_minor: Price | None = None
    compare_at_price_minor: Price | None = None
    currency: str | None = Field(None, pattern=CURRENCY_PATTERN)
    tax_class: str | None = Field(None, max_length=32, pattern=r"^[a-z0-9_-]+$")
    weight_grams: Annotated[StrictInt, Field(ge=0, le=10_000_000)] | None = None


class ImageRefIn(ApiModel):
    url: ImageUrl
    alt: str | None = Field(None, max_length=200)


class ProductCreate(ApiModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    category_ids: list[Id] = Field(min_length=1, max_length=10)
    brand_id: Id | None = None
    attributes: dict[AttrKey, AttrValue] = Field(default_factory=dict, max_length=100)
    options: list[OptionIn] = Field(default_factory=list, max_length=5)
    images: list[ImageUrl | ImageRefIn] = Field(default_factory=list, max_length=50)
    # The domain enforces the configured maximum (100); this only bounds parsing.
    variants: list[VariantIn] = Field(min_length=1, max_length=1000)
    seo_title: str | None = Field(None, max_length=200)
    seo_description: str | None = Field(None, max_length=500)
    status: Literal["draft", "pending"] = "pending"


class ProductUpdate(ApiModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    category_ids: list[Id] | None = Field(None, min_length=1, max_length=10)
    brand_id: Id | None = None
    attributes: dict[AttrKey, AttrValue] | None = Field(None, max_length=100)
    options: list[OptionIn] | None = Field(None, max_length=5)
    variants: list[VariantPatch] | None = Field(None, min_length=1, max_length=1000)
    seo_title: str | None = Field(None, max_length=200)
    seo_description: str | None = Field(None, max_length=500)
    status: Literal["draft", "pending", "archived"] | None = None


class RejectIn(ApiModel):
    reason: str | None = Field(None, max_length=1000)


class VariantOut(ApiModel):
    id: str
    sku: str
    option_values: dict[str, str]
    price_minor: int
    compare_at_price_minor: int | None = None
    currency: str
    tax_class: str | None = None
    weight_grams: int | None = None


class ImageOut(ApiModel):
    id: str
    url: str
    width: int | None = None
    height: int | None = None
    alt: str | None = None
    content_type: str | None = None


class ProductSummary(ApiModel):
    id: str
    slug: str
    title: str
    status: str
    vendor_id: str
    brand_id: str | None = None
    category_ids: list[str]
    price_minor: int
    max_price_minor: int
    currency: str
    image: str | None = None
    created_at: datetime
    rating_avg: float | None = None
    rating_count: int = 0


class ProductOut(ProductSummary):
    description: str
    attributes: dict[str, Any]
    options: list[dict[str, Any]]
    images: list[ImageOut]
    variants: list[VariantOut]
    seo_title: str | None = None
    seo_description: str | None = None
    rejection_reason: str | None = None
    approved_at: datetime | None = None
    updated_at: datetime


class ProductPage(Page[ProductSummary]):
    pass
