"""What the back-office pages share: names for the ids the API returns, money typed by a person, paging."""
from __future__ import annotations

import asyncio
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.web.api import Api, ApiError
from apps.web.session import Viewer

PER_PAGE = 25


async def vendor_names(api: Api, viewer: Viewer, ids: set[str] | list[str]) -> dict[str, str]:
    """Vendor id → name through the public vendor route (an admin sees every vendor's full view). A vendor the
    API cannot show keeps a shortened id, so one missing vendor never breaks a page."""
    wanted = sorted({i for i in ids if i})

    async def one(vendor_id: str) -> tuple[str, str]:
        try:
            found = await api.get(f"/v1/vendors/{vendor_id}", token=viewer.token)
            return vendor_id, str(found.get("name") or vendor_id[:8])
        except ApiError:
            return vendor_id, vendor_id[:8] + "…"

    return dict(await asyncio.gather(*(one(v) for v in wanted)))


def to_minor(amount: str, *, allow_zero: bool = False) -> int | None:
    """'12.34' (what a person types) → 1234 minor units; None when it is not a positive (or, with allow_zero,
    non-negative) amount with at most 2 decimals."""
    try:
        value = Decimal(amount.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        return None
    if value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def pages(total: int, page: int, per_page: int = PER_PAGE) -> dict[str, Any]:
    last = max(1, -(-int(total) // per_page))
    return {"page": page, "last": last, "prev": page - 1 if page > 1 else None,
            "next": page + 1 if page < last else None, "total": total}


async def paged(api: Api, viewer: Viewer, path: str, page_no: int, **params: Any) -> tuple[list[dict], dict[str, Any]]:
    """One page of an admin listing (`items`, `total`) and the paging links for it."""
    listing = await api.get(path, token=viewer.token, params={**params, "page": page_no, "perPage": PER_PAGE})
    return listing["items"], pages(listing["total"], page_no)
