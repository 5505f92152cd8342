"""Request-scoped pieces the order routers share: settings, typed clients, paging, filters, the caller."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Request

from apps.orders.clients import OrderClients
from apps.orders.config import OrdersSettings
from apps.orders.exceptions import IdempotencyKeyRequired, OrderNotFound
from apps.orders.repository import CheckoutKeys
from kernel.auth import CurrentUser, CurrentUserDep, VendorScopeDep
from kernel.errors import ServiceUnavailable, Unauthorized
from kernel.ids import is_uuid
from kernel.paging import PagingDep  # noqa: F401 - the routes take paging from here with their other dependencies


async def _settings(request: Request) -> OrdersSettings:
    return request.app.state.settings


async def _clients(request: Request) -> OrderClients:
    return OrderClients(request.app.state.service_clients)


async def _checkout_keys(request: Request) -> CheckoutKeys:
    return CheckoutKeys(request.app.state.db.sessions)


async def _shopper(user: CurrentUserDep) -> CurrentUser:
    # Tokens are signed by the auth service with UUID subjects; anything else would fail at the database.
    if not is_uuid(user.id):
        raise Unauthorized("The token's subject is not a user id.")
    return user


async def _idempotency_key(key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None) -> str:
    if key is None or not key.strip():
        raise IdempotencyKeyRequired("POST /v1/orders requires an Idempotency-Key header (1..200 characters).")
    return key.strip()


async def _own_vendor(vendorId: str, _: VendorScopeDep) -> str:  # noqa: N803 - the public path parameter
    if not is_uuid(vendorId):
        raise OrderNotFound(f"No orders for vendor {vendorId[:64]!r}.")
    return vendorId


async def _checkout_slot(request: Request) -> AsyncIterator[None]:
    """Wait for one of the process's checkout slots (OrdersSettings.checkout_concurrency); 503 if none frees up."""
    settings: OrdersSettings = request.app.state.settings
    if getattr(request.app.state, "checkout_slots", None) is None:
        request.app.state.checkout_slots = asyncio.Semaphore(settings.checkout_concurrency)
    slots: asyncio.Semaphore = request.app.state.checkout_slots
    try:
        await asyncio.wait_for(slots.acquire(), timeout=settings.checkout_queue_timeout_seconds)
    except asyncio.TimeoutError:
        raise ServiceUnavailable("Too many checkouts at once; retry in a moment.",
                                 headers={"Retry-After": "1"}) from None
    try:
        yield
    finally:
        slots.release()


OrderStatus = Literal["unfulfilled", "processing", "shipped", "delivered", "cancelled", "returned"]
PaymentStatus = Literal["pending", "paid", "failed", "refunded", "partial"]

SettingsDep = Annotated[OrdersSettings, Depends(_settings)]
ClientsDep = Annotated[OrderClients, Depends(_clients)]
CheckoutKeysDep = Annotated[CheckoutKeys, Depends(_checkout_keys)]
ShopperDep = Annotated[CurrentUser, Depends(_shopper)]
IdempotencyKeyDep = Annotated[str, Depends(_idempotency_key)]
OwnVendorDep = Annotated[str, Depends(_own_vendor)]
CheckoutSlotDep = Annotated[None, Depends(_checkout_slot)]
StatusQuery = Annotated[OrderStatus | None, Query()]
PaymentStatusQuery = Annotated[PaymentStatus | None, Query(alias="paymentStatus")]
