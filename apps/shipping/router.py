"""Shipping routes (API.md § Shipping) and the internal quote for cart and orders: thin — schema in, service
call, schema out."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import PlainTextResponse

from apps.shipping import domain, labels
from apps.shipping import queries
from apps.shipping.use_cases import create_label as create_label_uc
from apps.shipping.use_cases import record_event
from apps.shipping.dependencies import CarrierDep, OptionalUserDep, OrdersDep, SettingsDep, may_read_label
from apps.shipping.exceptions import NotYourShipment
from apps.shipping.orm import Shipment
from apps.shipping.schemas import (LabelIn, LabelOut, ParcelOut, QuoteIn, RateOut, RatesIn, RatesOut,
                                   TrackingEventIn, TrackingEventOut, TrackingOut)
from kernel.auth import CurrentUserDep
from kernel.internal import require_internal_token
from kernel.service_app import UowDep
from kernel.vendor_status import require_active_vendor

router = APIRouter(prefix="/v1/shipping", tags=["shipping"])
internal_router = APIRouter(prefix="/internal/v1/shipping", tags=["shipping-internal"],
                            dependencies=[Depends(require_internal_token)])


def _rate(r: domain.Rate) -> RateOut:
    return RateOut(serviceLevel=r.service_level, amountMinor=r.amount_minor, currency=r.currency,
                   etaDays=r.eta_days, zone=r.zone,
                   parcels=[ParcelOut(vendorId=p.vendor_id, weightGrams=p.weight_grams, amountMinor=p.amount_minor)
                            for p in r.parcels])


def _tracking(s: Shipment) -> TrackingOut:
    late = domain.is_late(s.delivered_at, s.promised_at) if s.delivered_at else None
    return TrackingOut(trackingNo=s.tracking_no, status=s.status, carrier=s.carrier, serviceLevel=s.service_level,
                       promisedAt=s.promised_at, deliveredAt=s.delivered_at, late=late,
                       events=[TrackingEventOut(status=e.status, at=e.at, location=e.location) for e in s.events])


@router.post("/rates", response_model=RatesOut)
async def rates(body: RatesIn, uow: UowDep, settings: SettingsDep) -> RatesOut:
    async with uow.reading():
        found = await queries.rates(uow=uow, settings=settings, cmd=body)
    return RatesOut(rates=[_rate(r) for r in found])


@internal_router.post("/quote", response_model=RateOut)
async def quote(body: QuoteIn, uow: UowDep, settings: SettingsDep) -> RateOut:
    """The same numbers as /v1/shipping/rates for one service level (cart summary and orders use it)."""
    async with uow.reading():
        found = await queries.rates(uow=uow, settings=settings, cmd=body, service_level=body.service_level)
    return _rate(found[0])


@router.post("/labels", status_code=status.HTTP_201_CREATED, response_model=LabelOut)
async def create_label(body: LabelIn, uow: UowDep, user: CurrentUserDep, settings: SettingsDep,
                       orders: OrdersDep, request: Request) -> LabelOut:
    if not user.has_any("super_admin", "staff") and user.vendor_id == body.vendor_id:
        await require_active_vendor(request, body.vendor_id)  # a suspended vendor ships nothing, at once
    s = await create_label_uc.create_label(uow=uow, settings=settings, orders=orders, user=user, order_no=body.order_no,
                                   vendor_id=body.vendor_id, service_level=body.service_level)
    return LabelOut(trackingNo=s.tracking_no, labelUrl=queries.label_url(settings, s.tracking_no), carrier=s.carrier,
                    serviceLevel=s.service_level, orderNo=s.order_no, vendorId=s.vendor_id, status=s.status,
                    etaDays=s.eta_days, promisedAt=s.promised_at, createdAt=s.created_at)


@router.get("/labels/{tracking_no}", response_class=PlainTextResponse)
async def get_label(tracking_no: str, uow: UowDep, settings: SettingsDep, user: OptionalUserDep,
                    sig: Annotated[str | None, Query(max_length=64)] = None) -> PlainTextResponse:
    async with uow.reading():
        s = await queries.get_shipment(uow, tracking_no)
    if not may_read_label(user, s.vendor_id, sig, queries.label_signature(settings, s.tracking_no)):
        raise NotYourShipment("This label belongs to another vendor.")
    return PlainTextResponse(labels.render_label(s),
                             headers={"Content-Disposition": f'inline; filename="{s.tracking_no}.txt"'})


@router.get("/track/{tracking_no}", response_model=TrackingOut)
async def track(tracking_no: str, uow: UowDep) -> TrackingOut:
    async with uow.reading():
        return _tracking(await queries.get_shipment(uow, tracking_no))


@router.post("/track/{tracking_no}/events", status_code=status.HTTP_201_CREATED, response_model=TrackingOut)
async def add_tracking_event(tracking_no: str, body: TrackingEventIn, uow: UowDep, settings: SettingsDep,
                             _: CarrierDep) -> TrackingOut:
    s = await record_event.record_event(uow=uow, settings=settings, tracking_no=tracking_no, status=body.status,
                                   location=body.location, at=body.at)
    return _tracking(s)
