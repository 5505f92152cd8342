"""The reservations API for checkout (/internal/v1, service-to-service only, guarded by X-Internal-Token; the
gateway never routes it)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from apps.inventory import queries
from apps.inventory.orm import Reservation
from apps.inventory.schemas import ReservationOut, ReserveLine, ReserveRequest
from apps.inventory.use_cases import commit_reservation, release_reservation
from apps.inventory.use_cases.reserve import reserve as reserve_stock
from kernel.internal import require_internal_token
from kernel.service_app import UowDep

router = APIRouter(prefix="/internal/v1", tags=["inventory-internal"], dependencies=[Depends(require_internal_token)])


def _reservation(r: Reservation) -> ReservationOut:
    return ReservationOut(reservationId=r.id, reference=r.reference, status=r.status, expiresAt=r.expires_at,
                          createdAt=r.created_at, closedAt=r.closed_at,
                          items=[ReserveLine(sku=line.sku, qty=line.qty) for line in r.items])


@router.post("/reservations", status_code=status.HTTP_201_CREATED, response_model=ReservationOut)
async def reserve(body: ReserveRequest, uow: UowDep, request: Request) -> ReservationOut:
    ttl = body.ttl_minutes or request.app.state.settings.reservation_ttl_minutes
    reservation = await reserve_stock(uow=uow, reference=body.reference, ttl_minutes=ttl,
                                      lines=[(line.sku, line.qty) for line in body.items])
    return _reservation(reservation)


@router.get("/reservations/{reservation_id}", response_model=ReservationOut)
async def get_reservation(reservation_id: str, uow: UowDep) -> ReservationOut:
    async with uow.reading():
        return _reservation(await queries.get_reservation(uow=uow, reservation_id=reservation_id))


@router.post("/reservations/{reservation_id}/commit", response_model=ReservationOut)
async def commit(reservation_id: str, uow: UowDep) -> ReservationOut:
    return _reservation(await commit_reservation.commit(uow=uow, reservation_id=reservation_id))


@router.post("/reservations/{reservation_id}/release", response_model=ReservationOut)
async def release(reservation_id: str, uow: UowDep) -> ReservationOut:
    return _reservation(await release_reservation.release(uow=uow, reservation_id=reservation_id))
