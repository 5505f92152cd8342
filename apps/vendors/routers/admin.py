"""The admin's vendor routes: the list by status, status changes (with commission) and the status audit."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from apps.vendors import queries, views
from apps.vendors.dependencies import SettingsDep
from apps.vendors.schemas import AuditOut, StatusChangeIn, VendorList, VendorSummary
from apps.vendors.use_cases.change_status import StatusChange, change_status_and_sync_role, parse_commission
from kernel.auth import AdminDep
from kernel.paging import Paging, paging_query
from kernel.service_app import ServiceClientsDep, UowDep

router = APIRouter(prefix="/v1", tags=["vendors"])


@router.get("/admin/vendors", response_model=VendorList)
async def admin_list_vendors(
    uow: UowDep, _: AdminDep, *,
    status_: Annotated[Literal["pending", "active", "suspended", "rejected"] | None, Query(alias="status")] = None,
    paging: Annotated[Paging, Depends(paging_query(max_page=100_000))],
) -> VendorList:
    async with uow.reading():
        found = await queries.list_vendors(uow=uow, status=status_, paging=paging)
        rules = await queries.current_commissions(uow, [v.id for v in found.items])
    return VendorList.of([views.summary_out(v, rules.get(v.id)) for v in found.items], found.total, paging)


@router.patch("/admin/vendors/{vendor_id}/status", response_model=VendorSummary)
async def admin_change_status(vendor_id: str, body: StatusChangeIn, uow: UowDep, admin: AdminDep,
                              settings: SettingsDep, clients: ServiceClientsDep) -> VendorSummary:
    change = StatusChange(status=body.status, reason=body.reason,
                          commission=parse_commission(body.commission_type, body.commission_value,
                                                      body.commission_currency))
    vendor, rule = await change_status_and_sync_role(uow=uow, clients=clients, settings=settings,
                                                     vendor_id=vendor_id, actor=admin, change=change)
    return views.summary_out(vendor, rule)


@router.get("/admin/vendors/{vendor_id}/audit")
async def admin_status_history(vendor_id: str, uow: UowDep, _: AdminDep) -> dict[str, list[AuditOut]]:
    async with uow.reading():
        rows = await queries.status_history(uow=uow, vendor_id=vendor_id)
    return {"items": [views.audit_out(r) for r in rows]}
