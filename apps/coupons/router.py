"""Coupon routes: admin (/v1/admin/coupons through the gateway) and the internal evaluate/redeem/release API that
cart and orders call (/internal/v1, service-to-service only, guarded by X-Internal-Token)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from apps.coupons import domain
from apps.coupons import queries
from apps.coupons.use_cases import manage_coupons
from apps.coupons.use_cases import redeem as redeem_uc
from apps.coupons.orm import Coupon, Redemption
from apps.coupons.schemas import (
    AllocationOut,
    CouponCreate,
    CouponOut,
    CouponPage,
    CouponPatch,
    EvaluateIn,
    EvaluateOut,
    RedeemIn,
    RedemptionOut,
    ReleaseIn,
    ScopeOut,
)
from kernel.auth import AdminDep, StaffDep
from kernel.internal import require_internal_token
from kernel.paging import WidePagingDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["coupons"])
internal_router = APIRouter(prefix="/internal/v1/coupons", tags=["coupons-internal"],
                            dependencies=[Depends(require_internal_token)])


def coupon_out(c: Coupon) -> CouponOut:
    return CouponOut(id=c.id, code=c.code, type=c.type, value=c.value, currency=c.currency,
                     minOrderMinor=c.min_order_minor, maxDiscountMinor=c.max_discount_minor, startsAt=c.starts_at,
                     endsAt=c.ends_at, usageLimit=c.usage_limit, perUserLimit=c.per_user_limit,
                     usedCount=c.used_count, active=c.active, createdAt=c.created_at,
                     scopes=[ScopeOut(scopeType=s.scope_type, refId=s.ref_id) for s in c.scopes])


def redemption_out(r: Redemption, code: str) -> RedemptionOut:
    return RedemptionOut(redemptionId=r.id, couponId=r.coupon_id, code=code, userId=r.user_id, orderNo=r.order_no,
                         discountMinor=r.discount_minor, currency=r.currency, status=r.status,
                         redeemedAt=r.redeemed_at, releasedAt=r.released_at)


@router.post("/admin/coupons", status_code=status.HTTP_201_CREATED, response_model=CouponOut)
async def create_coupon(body: CouponCreate, uow: UowDep, admin: AdminDep, request: Request) -> CouponOut:
    coupon = await manage_coupons.create_coupon(uow=uow, cmd=body, actor_id=admin.id,
                                         currency=request.app.state.settings.default_currency)
    return coupon_out(coupon)


@router.get("/admin/coupons", response_model=CouponPage)
async def list_coupons(uow: UowDep, _: StaffDep, *,
                       code: Annotated[str | None, Query(max_length=64)] = None,
                       paging: WidePagingDep) -> CouponPage:
    async with uow.reading():
        items, total = await queries.list_coupons(uow=uow, page=paging.page, per_page=paging.per_page, code=code)
    return CouponPage.of([coupon_out(c) for c in items], total, paging)


@router.get("/admin/coupons/{coupon_id}", response_model=CouponOut)
async def get_coupon(coupon_id: str, uow: UowDep, _: StaffDep) -> CouponOut:
    async with uow.reading():
        return coupon_out(await queries.get_coupon(uow, coupon_id))


@router.patch("/admin/coupons/{coupon_id}", response_model=CouponOut)
async def update_coupon(coupon_id: str, body: CouponPatch, uow: UowDep, admin: AdminDep) -> CouponOut:
    coupon = await manage_coupons.update_coupon(uow=uow, coupon_id=coupon_id, patch=body, actor_id=admin.id)
    return coupon_out(coupon)


@internal_router.post("/evaluate", response_model=EvaluateOut)
async def evaluate(body: EvaluateIn, uow: UowDep) -> EvaluateOut:
    lines = [domain.Line(sku=i.sku, qty=i.qty, price_minor=i.price_minor, product_id=i.product_id,
                         vendor_id=i.vendor_id, category_ids=tuple(i.category_ids)) for i in body.items]
    async with uow.reading():
        done = await queries.evaluate(uow=uow, code=body.code, user_id=body.user_id, lines=lines,
                                      currency=body.currency)
    result = done.result
    return EvaluateOut(valid=result.valid, discountMinor=result.discount_minor,
                       reason=str(result.reason) if result.reason else None, message=result.message,
                       allocations=[AllocationOut(sku=a.sku, discountMinor=a.discount_minor)
                                    for a in result.allocations],
                       code=done.code, couponId=done.coupon_id, currency=done.currency,
                       eligibleSubtotalMinor=result.eligible_subtotal_minor)


@internal_router.post("/redeem", status_code=status.HTTP_201_CREATED, response_model=RedemptionOut,
                      responses={409: {"description": "the total or per-user limit is used up"},
                                 422: {"description": "outside the validity window or not for this user"}})
async def redeem(body: RedeemIn, uow: UowDep) -> RedemptionOut:
    done = await redeem_uc.redeem(uow=uow, code=body.code, user_id=body.user_id, order_no=body.order_no,
                                discount_minor=body.discount_minor, currency=body.currency)
    return redemption_out(done.redemption, done.coupon.code)


@internal_router.post("/release", status_code=status.HTTP_204_NO_CONTENT)
async def release(body: ReleaseIn, uow: UowDep) -> Response:
    await redeem_uc.release(uow=uow, order_no=body.order_no)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
