"""Request-scoped pieces the payments routes share: the provider, the Idempotency-Key, dev-only guards."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from apps.payments.exceptions import IdempotencyKeyRequired
from apps.payments.providers.base import PaymentProvider
from kernel.errors import NotFound, ValidationFailed
from kernel.ids import is_uuid

MAX_KEY = 200


async def get_provider(request: Request) -> PaymentProvider:
    return request.app.state.provider


ProviderDep = Annotated[PaymentProvider, Depends(get_provider)]


def _checked_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise IdempotencyKeyRequired("This request needs an Idempotency-Key header.")
    if len(key) > MAX_KEY:
        raise ValidationFailed(f"Idempotency-Key must be at most {MAX_KEY} characters.")
    return key.strip()


async def required_idempotency_key(
        key: Annotated[str | None, Header(alias="Idempotency-Key")] = None) -> str:
    return _checked_key(key)


async def optional_idempotency_key(
        key: Annotated[str | None, Header(alias="Idempotency-Key")] = None) -> str | None:
    return _checked_key(key) if key is not None and key.strip() else None


IdempotencyKeyDep = Annotated[str, Depends(required_idempotency_key)]
OptionalIdempotencyKeyDep = Annotated[str | None, Depends(optional_idempotency_key)]


async def dev_only(request: Request) -> None:
    """The simulator exists only where ENV is dev or test: elsewhere the route does not exist (404)."""
    if not request.app.state.settings.is_dev:
        raise NotFound("No such route.")


async def valid_vendor_id(vendorId: str) -> str:  # noqa: N803 - the path parameter's public name
    if not is_uuid(vendorId):
        raise NotFound(f"No vendor {vendorId[:64]!r}.")
    return vendorId


VendorIdDep = Annotated[str, Depends(valid_vendor_id)]
