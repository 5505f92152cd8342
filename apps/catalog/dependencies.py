"""Request-scoped lookups and guards shared by the catalog routers."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Request

from apps.catalog import domain
from apps.catalog.config import CatalogSettings
from apps.catalog.queries import PublicFilters
from apps.catalog.read_cache import ReadCache
from apps.catalog.schemas.products import MAX_PRICE_MINOR
from kernel.auth import VendorScopeDep
from kernel.errors import NotFound, ValidationFailed
from kernel.ids import is_uuid
from kernel.paging import PagingDep  # noqa: F401 - the routes take paging from here with their other dependencies
from kernel.storage import ObjectStorage
from kernel.vendor_status import ActiveVendor, confirmed_vendor


# async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per request for an attribute read.
async def _settings(request: Request) -> CatalogSettings:
    return request.app.state.settings


async def _storage(request: Request) -> ObjectStorage:
    return request.app.state.storage


async def _read_cache(request: Request) -> ReadCache:
    return request.app.state.read_cache


async def _own_vendor(vendorId: str, _: VendorScopeDep) -> str:  # noqa: N803 - the public path parameter
    """The path's vendor, once kernel.auth matched it to the token (admins pass for any vendor)."""
    if not is_uuid(vendorId):
        raise NotFound(f"No vendor {vendorId!r}.")
    return vendorId


async def _public_filters(
    category: Annotated[str | None, Query(max_length=120)] = None,
    brand: Annotated[str | None, Query(max_length=120)] = None,
    vendor: Annotated[str | None, Query(max_length=200)] = None,
    min_price: Annotated[int | None, Query(alias="minPrice", ge=0, le=MAX_PRICE_MINOR)] = None,
    max_price: Annotated[int | None, Query(alias="maxPrice", ge=0, le=MAX_PRICE_MINOR)] = None,
    currency: Annotated[str | None, Query(pattern=domain.CURRENCY_PATTERN)] = None,
    sort: Literal["newest", "price_asc", "price_desc", "title"] = "newest",
    ids: Annotated[str | None, Query(max_length=3_800, description="comma-separated product ids (at most 100): "
                                     "the storefront shows recommended ids as cards with one call")] = None,
) -> PublicFilters:
    try:
        prices = domain.PriceRange(min_price, max_price)
    except domain.RuleViolation as exc:
        raise ValidationFailed(str(exc), errors=exc.errors) from None
    wanted = tuple(dict.fromkeys(p.strip().lower() for p in (ids or "").split(",") if p.strip()))
    if len(wanted) > 100 or any(not is_uuid(p) for p in wanted):
        raise ValidationFailed("ids are at most 100 product ids (UUIDs), comma-separated.",
                               errors=[{"field": "ids", "in": "query", "message": "not a list of product ids"}])
    return PublicFilters(category=category, brand=brand, vendor=vendor, prices=prices, currency=currency, sort=sort,
                         ids=wanted)


SettingsDep = Annotated[CatalogSettings, Depends(_settings)]
StorageDep = Annotated[ObjectStorage, Depends(_storage)]
ReadCacheDep = Annotated[ReadCache, Depends(_read_cache)]
# The client's cached ETag(s), for a 304 on the public reads.
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match", description=(
    "ETag(s) of a copy the client holds: 304 Not Modified, without a body, while it is still current"))]
OwnVendorDep = Annotated[str, Depends(_own_vendor)]
PublicFiltersDep = Annotated[PublicFilters, Depends(_public_filters)]
StatusFilter = Annotated[Literal["draft", "pending", "active", "archived"] | None, Query()]


async def _confirmed_vendor(request: Request, _: OwnVendorDep) -> ActiveVendor | None:
    """What vendors said of the path's vendor while kernel.auth checked it (None for admins and GETs)."""
    return confirmed_vendor(request)


ConfirmedVendorDep = Annotated[ActiveVendor | None, Depends(_confirmed_vendor)]
