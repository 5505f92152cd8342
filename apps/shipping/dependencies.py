"""Request-scoped guards and lookups for the shipping routers."""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from apps.shipping.clients import OrdersClient, orders_client
from apps.shipping.config import ShippingSettings
from kernel.auth import CurrentUser, optional_user
from kernel.errors import Forbidden, Unauthorized
from kernel.internal import INTERNAL_TOKEN_HEADER, require_internal_token
from kernel.service_app import from_state, service_clients_of


async def _orders(request: Request) -> OrdersClient:
    return orders_client(service_clients_of(request))


async def carrier_or_staff(request: Request,
                           user: Annotated[CurrentUser | None, Depends(optional_user)]) -> str:
    """Tracking updates come from the carrier's webhook (the internal token stands in for its credentials) or
    from staff correcting a shipment by hand. Returns who it was, for the logs."""
    if request.headers.get(INTERNAL_TOKEN_HEADER):
        await require_internal_token(request)
        return "carrier"
    if user is None:
        raise Unauthorized("Authentication required.", headers={"WWW-Authenticate": "Bearer"})
    if not user.has_any("super_admin", "staff"):
        raise Forbidden("Only the carrier or staff can record tracking events.")
    return user.id


def may_read_label(user: CurrentUser | None, vendor_id: str, sig: str | None, expected_sig: str) -> bool:
    if sig and hmac.compare_digest(sig.encode("utf-8", "surrogateescape"), expected_sig.encode()):
        return True
    if user is None:
        raise Unauthorized("A signed label link or a token is required.", headers={"WWW-Authenticate": "Bearer"})
    return user.has_any("super_admin", "staff") or (user.has_any("vendor_admin") and user.vendor_id == vendor_id)


SettingsDep = Annotated[ShippingSettings, Depends(from_state("settings"))]
OrdersDep = Annotated[OrdersClient, Depends(_orders)]
CarrierDep = Annotated[str, Depends(carrier_or_staff)]
OptionalUserDep = Annotated[CurrentUser | None, Depends(optional_user)]
