"""What every vendor page shares: whose vendor this is. The id always comes from the viewer's token, never from
the URL or a form, so no address a vendor can type shows another vendor's data (the API checks it again)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import Request

from apps.web import session
from apps.web.api import ApiError
from apps.web.session import Viewer

NOT_A_VENDOR = ("Your account has no active vendor yet. Apply on “Become a vendor”; once an admin approves it, "
                "the vendor portal opens.")


async def vendor_id_of(request: Request, viewer: Viewer) -> str:
    """The viewer's vendor. A token minted before the approval lacks it: trade the refresh cookie for a new one
    (auth adds vendorId once vendor.approved reached it)."""
    if viewer.vendor_id:
        return viewer.vendor_id
    fresh = await session.refresh(request)
    if fresh is not None and fresh.vendor_id:
        return fresh.vendor_id
    raise ApiError(403, "Not a vendor yet", NOT_A_VENDOR)


def minor_units(text: str, field: str) -> int:
    """'12.50' → 1250. Only the reading of a typed amount; every price rule stays in the API."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise ApiError(422, "Check the form", f"{field}: “{text}” is not an amount such as 12.50.") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ApiError(422, "Check the form", f"{field}: give a positive amount with at most two decimals.")
    return int(value * 100)


class VendorCall:
    """The API client bound to the viewer's own vendor and token: `await vc.get("/inventory")` calls
    /v1/vendors/<the viewer's vendor>/inventory."""

    def __init__(self, request: Request, vendor_id: str) -> None:
        self.api, self.vendor_id = request.app.state.api, vendor_id
        self.token = request.state.viewer.token  # after a refresh, the new token
        self.base = f"/v1/vendors/{vendor_id}"

    async def get(self, path: str = "", **kw):
        return await self.api.get(self.base + path, token=self.token, **kw)

    async def post(self, path: str = "", **kw):
        return await self.api.post(self.base + path, token=self.token, **kw)

    async def patch(self, path: str = "", **kw):
        return await self.api.patch(self.base + path, token=self.token, **kw)


async def vendor_call(request: Request, viewer: Viewer) -> VendorCall:
    return VendorCall(request, await vendor_id_of(request, viewer))
