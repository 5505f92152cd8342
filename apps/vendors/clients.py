"""Vendors' calls to other services. One so far, read-your-writes for the vendor's owner: once an admin's status
change is committed, vendors tells auth in the same request, so the owner's next login or token refresh already
carries (or no longer carries) the vendor role.

Why this and not auth asking vendors at every login: it costs one internal call per status change (rare) instead
of one per login (frequent), and login keeps working when vendors is down. The vendor.* events stay the guarantee:
when this call fails the change is committed anyway and auth applies it when the event arrives (docs/consistency.md).
"""
from __future__ import annotations

from datetime import datetime

import structlog

from apps.vendors import domain
from apps.vendors.orm import Vendor
from kernel.errors import ServiceUnavailable
from kernel.service_client import ServiceClients

log = structlog.get_logger("vendors.role_sync")
# Statuses whose change moves the owner's vendor_admin role; a rejected application never had one.
ACTIVE, REVOKED = domain.VendorStatus.ACTIVE.value, domain.VendorStatus.SUSPENDED.value


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


async def sync_owner_role(clients: ServiceClients, vendor: Vendor) -> None:
    if vendor.status not in (ACTIVE, REVOKED):
        return
    try:
        resp = await clients.request("auth", "PUT", f"/internal/v1/users/{vendor.owner_user_id}/vendor-role",
                                     json={"vendorId": vendor.id, "active": vendor.status == ACTIVE,
                                           "changedAt": _iso(vendor.status_changed_at)}, timeout=3)
        if resp.status_code != 200:
            log.warning("vendors.role_sync_failed", vendor_id=vendor.id, status=resp.status_code)
    except ServiceUnavailable as exc:
        log.warning("vendors.role_sync_failed", vendor_id=vendor.id, error=str(exc))
