"""Vendor use cases on the fake unit of work: one application per owner, who may manage a vendor, the status
machine with its events and audit, and the commission an approval grants."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.vendors import queries
from apps.vendors.config import VendorsSettings
from apps.vendors.domain import CommissionValue
from apps.vendors.exceptions import IllegalStatusTransition, NotVendorOwner, VendorAlreadyExists, VendorNotFound
from apps.vendors.use_cases.apply import apply
from apps.vendors.use_cases.change_status import StatusChange, change_status
from apps.vendors.use_cases.update_profile import update_profile
from kernel.auth import CurrentUser
from kernel.testing import run_use_case
from tests.fakes.vendors import vendors_world

OWNER = CurrentUser(id="0190a000-0000-7000-8000-0000000000e1", roles=("customer",))
STRANGER = CurrentUser(id="0190a000-0000-7000-8000-0000000000e2", roles=("customer",))
ADMIN = CurrentUser(id="0190a000-0000-7000-8000-0000000000ad", roles=("super_admin",))


def _settings() -> VendorsSettings:
    return VendorsSettings(default_commission_percent=Decimal("12.5"))


async def _apply(uow, owner=OWNER, name="Acme Tools"):
    return await run_use_case(uow, apply, owner=owner, name=name, support_email="Help@Acme.test",
                              support_phone=None)


async def _status(uow, vendor, status, commission=None, reason=None):
    return await run_use_case(uow, change_status, settings=_settings(), vendor_id=vendor.id, actor=ADMIN,
                              change=StatusChange(status=status, commission=commission, reason=reason))


async def test_an_application_is_pending_with_a_slug_and_one_per_owner():
    uow, repo = vendors_world()
    vendor = await _apply(uow)
    assert (vendor.status, vendor.slug, vendor.support_email) == ("pending", "acme-tools", "help@acme.test")
    assert uow.events("vendor.applied")[0]["ownerUserId"] == OWNER.id
    with pytest.raises(VendorAlreadyExists):
        await _apply(uow, name="Acme Again")


async def test_a_taken_name_gets_a_distinct_slug():
    uow, _ = vendors_world()
    first = await _apply(uow)
    second = await _apply(uow, owner=STRANGER)
    assert first.slug == "acme-tools" and second.slug != first.slug and second.slug.startswith("acme-tools")


async def test_approval_grants_the_default_commission_and_audits_the_change():
    uow, repo = vendors_world()
    vendor = await _apply(uow)
    _, rule = await _status(uow, vendor, "active")

    assert vendor.status == "active" and vendor.approved_at is not None
    assert (rule.type, rule.value) == ("percent", 1250)
    approved = uow.events("vendor.approved")[0]
    assert (approved["previousStatus"], approved["commission"]["value"]) == ("pending", 1250)
    history = await run_use_case(uow, queries.status_history, vendor_id=vendor.id)
    assert [(a.from_status, a.to_status, a.actor_user_id) for a in history] == [("pending", "active", ADMIN.id)]


async def test_a_suspension_keeps_the_commission_and_reinstatement_does_not_grant_a_new_one():
    uow, repo = vendors_world()
    vendor = await _apply(uow)
    await _status(uow, vendor, "active", commission=CommissionValue("fixed", 300, "USD"))
    await _status(uow, vendor, "suspended", reason="chargebacks")
    _, rule = await _status(uow, vendor, "active")

    assert (rule.type, rule.value) == ("fixed", 300)
    assert uow.event_types()[-2:] == ["vendor.suspended", "vendor.reinstated"]
    assert uow.events("vendor.suspended")[0]["reason"] == "chargebacks"


@pytest.mark.parametrize("path", [["suspended"], ["rejected", "active"], ["active", "pending"]])
async def test_illegal_status_moves_are_refused_without_event(path):
    uow, _ = vendors_world()
    vendor = await _apply(uow)
    *legal, illegal = path
    for status in legal:
        await _status(uow, vendor, status)
    before = list(uow.event_types())
    with pytest.raises(IllegalStatusTransition):
        await _status(uow, vendor, illegal)
    assert uow.event_types() == before


async def test_only_the_owner_or_an_admin_updates_and_only_real_changes_are_announced():
    uow, _ = vendors_world()
    vendor = await _apply(uow)
    with pytest.raises(VendorNotFound):  # a pending vendor is invisible to outsiders
        await run_use_case(uow, update_profile, vendor_id=vendor.id, user=STRANGER, changes={"name": "X"})
    await _status(uow, vendor, "active")
    with pytest.raises(NotVendorOwner):
        await run_use_case(uow, update_profile, vendor_id=vendor.id, user=STRANGER, changes={"name": "X"})
    await run_use_case(uow, update_profile, vendor_id=vendor.id, user=OWNER, changes={"name": "Acme Tools"})
    assert uow.events("vendor.updated") == []
    await run_use_case(uow, update_profile, vendor_id=vendor.id, user=OWNER,
                       changes={"support_email": "NEW@ACME.TEST", "name": "Acme Tools"})
    assert uow.events("vendor.updated")[0]["changedFields"] == ["supportEmail"]
    assert vendor.support_email == "new@acme.test"
