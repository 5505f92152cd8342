"""auth's reaction to vendor approval, on the fake unit of work (tests/fakes/auth.py): grants vendor_admin once,
skips what it cannot use."""
from __future__ import annotations

from apps.auth.consumers import CONSUMERS, grant_vendor_admin
from apps.auth.orm import User
from apps.auth.repository import AuthRepository
from kernel.consumer import Event
from kernel.events import Envelope
from kernel.testing import FakeUnitOfWork
from tests.fakes.auth import FakeAuthRepository

OWNER = "0190a0a0-0000-7000-8000-000000000001"
VENDOR = "0190a0a0-0000-7000-8000-0000000000aa"


def _Uow(user: User | None) -> FakeUnitOfWork:
    """A fake unit of work whose auth repository holds `user` (None: no account at all)."""
    repo = FakeAuthRepository()
    if user is not None:
        repo.keep(user)
    return FakeUnitOfWork({AuthRepository: repo})


def _event(event_type: str = "vendor.approved", **data) -> Event:
    """The event as the consumer's edge hands it over (read by its contract)."""
    return Event.read(Envelope(type=event_type, data={
        "vendorId": VENDOR, "ownerUserId": OWNER, "name": "Shop", "slug": "shop", "status": "active",
        "previousStatus": "pending", "changedAt": "2026-12-01T10:00:00Z", **data}))


async def test_grant_is_idempotent_and_keeps_other_roles():
    user = User(id=OWNER, email="o@example.com", password_hash="x", roles=["customer"], vendor_id=None)
    uow = _Uow(user)
    for event_type in ("vendor.approved", "vendor.reinstated", "vendor.approved"):
        await CONSUMERS[event_type](uow=uow, event=_event(event_type))
    assert user.roles == ["customer", "vendor_admin"] and user.vendor_id == VENDOR


async def test_unknown_user_and_malformed_ids_are_skipped_not_retried():
    await grant_vendor_admin(uow=_Uow(None), event=_event())  # no exception → no retry, no dead letter
    uow = _Uow(None)
    await grant_vendor_admin(uow=uow, event=_event(ownerUserId="not-a-uuid"))
    assert uow.repository(AuthRepository).lookups == 0


def test_only_approval_and_reinstatement_grant():
    # issue 13: auth now also reacts to vendor.suspended, but only to revoke (test below)
    assert {t for t, handler in CONSUMERS.items() if handler is grant_vendor_admin} == {"vendor.approved",
                                                                                         "vendor.reinstated"}
    assert set(CONSUMERS) == {"vendor.approved", "vendor.reinstated", "vendor.suspended"}


async def test_suspension_revokes_the_role_and_reinstatement_restores_it():
    user = User(id=OWNER, email="o@example.com", password_hash="x", roles=["customer", "vendor_admin"],
                vendor_id=VENDOR)
    uow = _Uow(user)
    for _ in range(2):  # idempotent
        await CONSUMERS["vendor.suspended"](uow=uow, event=_event("vendor.suspended", status="suspended"))
    assert user.roles == ["customer"] and user.vendor_id == VENDOR
    await CONSUMERS["vendor.reinstated"](uow=uow, event=_event("vendor.reinstated"))
    assert user.roles == ["customer", "vendor_admin"]
