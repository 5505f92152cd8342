"""Cart routes: the shopper's cart and checkout summary (/v1 through the gateway) and the two internal routes orders
calls (/internal/v1, service-to-service only). Changes commit first, then rewrite the Redis copy."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from apps.cart import domain
from apps.cart.use_cases import checkout
from apps.cart import queries
from apps.cart.use_cases import coupon
from apps.cart.use_cases import items
from apps.cart.cache import CartCache
from apps.cart.config import CartSettings
from apps.cart.schemas import (AddItemIn, CartOut, CheckedOutIn, CouponIn, InternalCartOut, QtyIn, Sku, SummaryIn,
                               SummaryOut)
from kernel.auth import CurrentUserDep
from kernel.errors import ValidationFailed
from kernel.ids import is_uuid
from kernel.internal import require_internal_token
from kernel.service_app import ServiceClientsDep, UowDep, from_state
from kernel.uow import UnitOfWork

router = APIRouter(prefix="/v1", tags=["cart"])
internal_router = APIRouter(prefix="/internal/v1/carts", tags=["cart-internal"],
                            dependencies=[Depends(require_internal_token)])


SettingsDep = Annotated[CartSettings, Depends(from_state("settings"))]
CacheDep = Annotated[CartCache, Depends(from_state("cart_cache"))]


async def read_document(uow: UnitOfWork, cache: CartCache, settings: CartSettings, user_id: str) -> dict[str, Any]:
    """Read-through: Redis first; on a miss (or Redis down) PostgreSQL, then refill Redis."""
    doc = await cache.get(user_id)
    if doc is None:
        async with uow.reading():
            doc = queries.document(await queries.load(uow, user_id), user_id, settings.default_currency)
        await cache.put(doc)
    return doc


@router.get("/cart", response_model=CartOut)
async def get_cart(user: CurrentUserDep, uow: UowDep, cache: CacheDep, settings: SettingsDep) -> dict:
    return domain.view(await read_document(uow, cache, settings, user.id))


@router.post("/cart/items", status_code=status.HTTP_201_CREATED, response_model=CartOut,
             responses={409: {"description": "not for sale, out of stock, cart full or another currency"}})
async def add_item(body: AddItemIn, user: CurrentUserDep, uow: UowDep, cache: CacheDep, settings: SettingsDep,
                   svc: ServiceClientsDep) -> dict:
    doc = await items.add_item(uow=uow, svc=svc, settings=settings, user_id=user.id, sku=body.sku,
                                 qty=body.qty)
    await cache.put(doc)
    return domain.view(doc)


@router.patch("/cart/items/{sku}", response_model=CartOut)
async def set_qty(sku: Sku, body: QtyIn, user: CurrentUserDep, uow: UowDep, cache: CacheDep, settings: SettingsDep,
                  svc: ServiceClientsDep) -> dict:
    doc = await items.set_qty(uow=uow, svc=svc, settings=settings, user_id=user.id, sku=sku, qty=body.qty)
    await cache.put(doc)
    return domain.view(doc)


@router.delete("/cart/items/{sku}", response_model=CartOut)
async def remove_item(sku: Sku, user: CurrentUserDep, uow: UowDep, cache: CacheDep, settings: SettingsDep) -> dict:
    doc = await items.remove_item(uow=uow, settings=settings, user_id=user.id, sku=sku)
    await cache.put(doc)
    return domain.view(doc)


@router.post("/cart/apply-coupon", response_model=CartOut,
             responses={422: {"description": "the coupon does not apply; errors[0].reason says why"}})
async def apply_coupon(body: CouponIn, user: CurrentUserDep, uow: UowDep, cache: CacheDep, settings: SettingsDep,
                       svc: ServiceClientsDep) -> dict:
    doc, result = await coupon.apply_coupon(uow=uow, svc=svc, settings=settings, user_id=user.id,
                                             code=body.code)
    await cache.put(doc)
    return {**domain.view(doc), "coupon": {"code": doc["couponCode"], "discountMinor": result.discount_minor}}


@router.delete("/cart/coupon", response_model=CartOut)
async def remove_coupon(user: CurrentUserDep, uow: UowDep, cache: CacheDep, settings: SettingsDep) -> dict:
    doc = await coupon.remove_coupon(uow=uow, settings=settings, user_id=user.id)
    await cache.put(doc)
    return domain.view(doc)


@router.post("/checkout/summary", response_model=SummaryOut)
async def checkout_summary(user: CurrentUserDep, uow: UowDep, cache: CacheDep, settings: SettingsDep,
                           svc: ServiceClientsDep, body: SummaryIn | None = None) -> dict:
    body = body or SummaryIn()
    doc = await read_document(uow, cache, settings, user.id)
    destination = body.destination.model_dump(by_alias=True) if body.destination else None
    if destination:
        destination["country"] = destination["country"].upper()
    async with uow.reading():
        return await checkout.summary(uow=uow, svc=svc, settings=settings, doc=doc, method=body.shipping_method,
                                      destination=destination)


def _user_id(user_id: str) -> str:
    if not is_uuid(user_id):
        raise ValidationFailed("userId must be a UUID.", errors=[{"field": "userId", "message": "not a UUID"}])
    return user_id.lower()


@internal_router.get("/{user_id}", response_model=InternalCartOut)
async def internal_cart(user_id: str, uow: UowDep, settings: SettingsDep) -> dict:
    async with uow.reading():
        return await checkout.internal_cart(uow=uow, settings=settings, user_id=_user_id(user_id))


@internal_router.post("/{user_id}/checked-out", status_code=status.HTTP_204_NO_CONTENT)
async def checked_out(user_id: str, body: CheckedOutIn, uow: UowDep, cache: CacheDep,
                      settings: SettingsDep) -> Response:
    lines = [(line.sku, line.qty) for line in body.items] if body.items is not None else None
    doc = await checkout.checked_out(uow=uow, settings=settings, user_id=_user_id(user_id),
                                     order_no=body.order_no, lines=lines)
    if doc is not None:
        await cache.put(doc)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
