"""`/v1/admin/feature-flags`: staff and super admins read, only super admins change (kernel.auth roles).

Reading is open to staff because support needs to know which features a shopper sees; changing one alters what
every shopper and vendor gets, so it is a super admin's act, audited.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from apps.backoffice import queries
from apps.backoffice.schemas import AuditList, AuditOut, FlagIn, FlagList, FlagOut
from apps.backoffice.use_cases.change_flag import change_flag
from kernel.auth import AdminDep, StaffDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1/admin/feature-flags", tags=["feature-flags"])


@router.get("", response_model=FlagList, response_model_by_alias=True)
async def list_flags(request: Request, _: StaffDep) -> FlagList:
    return FlagList(items=[FlagOut.of(f) for f in await queries.list_flags(request.app.state.flags)])


@router.get("/{key}", response_model=FlagOut, response_model_by_alias=True)
async def get_flag(key: str, request: Request, _: StaffDep) -> FlagOut:
    return FlagOut.of(await queries.get_flag(request.app.state.flags, key))


@router.put("/{key}", response_model=FlagOut, response_model_by_alias=True)
async def put_flag(key: str, body: FlagIn, request: Request, uow: UowDep, user: AdminDep) -> FlagOut:
    _, after = await change_flag(uow=uow, flags=request.app.state.flags, key=key, enabled=body.enabled,
                                 rollout_percent=body.rollout_percent, variants=body.variants,
                                 description=body.description, user=user)
    return FlagOut.of(after)


@router.get("/{key}/audit", response_model=AuditList, response_model_by_alias=True)
async def flag_audit(key: str, uow: UowDep, _: StaffDep,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> AuditList:
    async with uow.reading():
        rows = await queries.audit_trail(uow, key=key, limit=limit)
    return AuditList(items=[AuditOut(id=r.id, key=r.flag_key, changedBy=r.changed_by, changedAt=r.changed_at,
                                     before=r.before, after=r.after, requestId=r.request_id) for r in rows])
