"""Back office data for admins and vendor portals: analytics over the warehouse."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from apps.backoffice import analytics
from kernel.auth import StaffDep, VendorScopeDep
from kernel.errors import ValidationFailed

router = APIRouter(prefix="/v1", tags=["backoffice"])
Days = Annotated[int, Query(ge=1, le=3650, description="Window: the last N days (ignored when since is given).")]


def _check(since: datetime | None, until: datetime | None) -> None:
    if since and until and since >= until:
        raise ValidationFailed("since must be before until.", errors=[{"field": "since", "message": "after until"}])


@router.get("/admin/analytics")
async def list_metrics(_: StaffDep) -> dict:
    return {"metrics": analytics.metric_list()}


@router.get("/admin/analytics/{metric}")
async def admin_metric(metric: str, _: StaffDep, days: Days = 30, since: datetime | None = None,
                       until: datetime | None = None) -> dict:
    _check(since, until)
    return await analytics.metric(metric, since=since, until=until, days=days)


@router.get("/vendors/{vendorId}/analytics")
async def vendor_metric_list(vendorId: str, _: VendorScopeDep) -> dict:  # noqa: N803 - path name from API.md
    return {"metrics": analytics.vendor_metric_list()}


@router.get("/vendors/{vendorId}/analytics/{metric}")
async def vendor_metric(vendorId: str, metric: str, _: VendorScopeDep, days: Days = 30,  # noqa: N803
                        since: datetime | None = None, until: datetime | None = None) -> dict:
    _check(since, until)
    return await analytics.metric(metric, since=since, until=until, days=days, vendor_id=vendorId)
