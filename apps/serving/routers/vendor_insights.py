"""Vendor insights routes (API.md § Search & AI, plus added routes): thin — guard, use case, schema out.

Who may read: the vendor itself (a vendor_admin whose token's vendorId is the path's), staff and super admins
(support and category managers look at any vendor). Who may accept or dismiss a price suggestion: the vendor
itself or a super admin; staff read only. A malformed vendor id or SKU is a 422 before any lookup.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from apps.serving.queries import vendor_insights as queries
from apps.serving.use_cases.decide_price import decide as decide_price
from apps.serving.schemas.vendor_insights import (
    DailyForecastOut, DecisionIn, DecisionOut, ForecastOut, PriceSuggestionOut, SalesHistoryOut,
)
from apps.serving.warehouse import VendorInsightsStore
from kernel.auth import CurrentUser, CurrentUserDep
from kernel.errors import Forbidden, ValidationFailed
from kernel.flags import FeatureFlags
from kernel.ids import is_uuid
from kernel.service_app import ServiceClientsDep, UowDep
from kernel.vendor_status import require_active_vendor

router = APIRouter(prefix="/v1/vendors/{vendorId}", tags=["vendor-insights"])
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # the catalog's SKU rule
Sku = Annotated[str | None, Query(pattern=SKU_PATTERN, description="Only this SKU")]
SkuPath = Annotated[str, Path(pattern=SKU_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _valid_vendor(vendor_id: str) -> str:
    if not is_uuid(vendor_id):
        raise ValidationFailed("vendorId must be a UUID.", errors=[{"field": "vendorId", "message": "not a UUID"}])
    return vendor_id


async def vendor_reader(vendorId: str, user: CurrentUserDep) -> str:  # noqa: N803 - path name from API.md
    _valid_vendor(vendorId)
    if user.has_any("super_admin", "staff") or (user.has_any("vendor_admin") and user.vendor_id == vendorId):
        return vendorId
    raise Forbidden("This vendor's insights belong to another account.")


async def vendor_actor(vendorId: str, user: CurrentUserDep, request: Request) -> CurrentUser:  # noqa: N803
    _valid_vendor(vendorId)
    if user.is_admin:
        return user
    if user.has_any("vendor_admin") and user.vendor_id == vendorId:
        await require_active_vendor(request, vendorId)  # a suspended vendor decides nothing, at once
        return user
    raise Forbidden("Only the vendor itself (or a super admin) decides on its prices.")


ReaderDep = Annotated[str, Depends(vendor_reader)]
ActorDep = Annotated[CurrentUser, Depends(vendor_actor)]


def _store(request: Request) -> VendorInsightsStore:
    return request.app.state.vendor_insights


def _flags(request: Request) -> FeatureFlags:
    return request.app.state.flags


@router.get("/forecasts", response_model=list[ForecastOut], response_model_by_alias=True)
async def forecasts(vendor_id: ReaderDep, request: Request, sku: Sku = None, limit: Limit = 200,
                    offset: Offset = 0) -> list[ForecastOut]:
    """Per SKU: forecast units over the horizon, days to stock-out, reorder quantity; soonest stock-out first."""
    return await queries.forecasts(_store(request), vendor_id, sku=sku, limit=limit, offset=offset)


@router.get("/forecasts/{sku}/daily", response_model=DailyForecastOut, response_model_by_alias=True)
async def daily_forecast(vendor_id: ReaderDep, sku: SkuPath, request: Request) -> DailyForecastOut:
    """The daily forecast band of one SKU (for a plot)."""
    return await queries.daily_forecast(_store(request), vendor_id, sku)


@router.get("/forecasts/{sku}/history", response_model=SalesHistoryOut, response_model_by_alias=True)
async def sales_history(vendor_id: ReaderDep, sku: SkuPath, request: Request,
                        days: Annotated[int, Query(ge=1, le=730)] = 90) -> SalesHistoryOut:
    """Units of the SKU sold per day over the last `days` days (the history beside the forecast band)."""
    return await queries.sales_history(_store(request), vendor_id, sku, days=days)


@router.get("/price-suggestions", response_model=list[PriceSuggestionOut], response_model_by_alias=True)
async def price_suggestions(vendor_id: ReaderDep, request: Request, uow: UowDep, sku: Sku = None,
                            limit: Limit = 200, offset: Offset = 0) -> list[PriceSuggestionOut]:
    """Bounded price suggestions with their confidence; 404 `feature-disabled` when pricing_ai is off."""
    return await queries.price_suggestions(_store(request), _flags(request), uow, vendor_id, sku=sku,
                                             limit=limit, offset=offset)


async def _decide(request: Request, uow: UowDep, clients: ServiceClientsDep, user: CurrentUser, sku: str,
                  decision: str, body: DecisionIn | None) -> DecisionOut:
    return await decide_price(store=_store(request), flags=_flags(request), uow=uow, clients=clients,
                                  vendor_id=request.path_params["vendorId"], sku=sku, decision=decision,
                                  note=body.note if body else None, user=user,
                                  authorization=request.headers.get("authorization", ""))


@router.post("/price-suggestions/{sku}/accept", response_model=DecisionOut, response_model_by_alias=True)
async def accept(user: ActorDep, sku: SkuPath, request: Request, uow: UowDep, clients: ServiceClientsDep,
                 body: DecisionIn | None = None) -> DecisionOut:
    """Sell the SKU at the suggested price (set in the catalog) and record the decision."""
    return await _decide(request, uow, clients, user, sku, "accepted", body)


@router.post("/price-suggestions/{sku}/dismiss", response_model=DecisionOut, response_model_by_alias=True)
async def dismiss(user: ActorDep, sku: SkuPath, request: Request, uow: UowDep, clients: ServiceClientsDep,
                  body: DecisionIn | None = None) -> DecisionOut:
    """Keep the current price; this run's suggestion is not shown as open again."""
    return await _decide(request, uow, clients, user, sku, "dismissed", body)
