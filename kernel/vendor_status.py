"""Suspension takes effect on vendor writes at once, not when the vendor's token expires.

A suspended vendor's staff keep an access token that says vendor_admin until it expires (auth drops the role at
the next refresh). So every vendor-scoped write (kernel.auth.vendor_scope on a non-GET request: catalog products
and media, inventory stock, orders shipping, payouts) asks the vendors service whether the vendor is active.

Why a synchronous check and not the services' event-fed projections: a projection lags the suspension by the event
delay (outbox poll + broker + consumer, seconds; minutes if the broker is down), which is exactly the window "at
once" forbids, and only catalog has one. The check is one primary-key GET on vendors' internal API (in-process in
the all-in-one server, one localhost hop when split; not benchmarked yet) and only on writes, which are rare next to
reads; reads are not checked. Fail closed: when vendors cannot answer, the write is a 503 (retryable), never an
unchecked write.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from fastapi import Request

from kernel.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class ActiveVendor:
    """What vendors (the source of truth) said about the vendor during this request, after confirming it active.

    A service whose event-fed vendor projection still lags (the approval event is seconds away while the vendor's
    token already carries vendorId) may bring its copy up to date from this instead of refusing the write."""
    vendor_id: str
    name: str
    slug: str
    updated_at: datetime | None


def confirmed_vendor(request: Request) -> ActiveVendor | None:
    return getattr(request.state, "active_vendor", None)


async def require_active_vendor(request: Request, vendor_id: str) -> None:
    if request.method in SAFE_METHODS:
        return
    clients = request.app.state.service_clients
    vendor = await clients.get_json("vendors", f"/internal/v1/vendors/{quote(vendor_id, safe='')}",
                                    what=f"vendor {vendor_id!r}")
    # A vendor the vendors service does not know is left to the owning service's own checks (catalog's vendor
    # projection, order ownership): access tokens are signed by auth, which grants a vendorId only for a vendor
    # that exists, so an unknown id means a vendor created elsewhere (fixtures, imports), not a suspension.
    if vendor is None:
        return
    if vendor.get("status") != "active":
        raise Forbidden("This vendor is not active (suspended or not approved); its writes are refused.")
    updated = vendor.get("updatedAt")
    request.state.active_vendor = ActiveVendor(vendor_id=vendor_id, name=str(vendor.get("name") or ""),
                                               slug=str(vendor.get("slug") or ""),
                                               updated_at=datetime.fromisoformat(updated) if updated else None)
