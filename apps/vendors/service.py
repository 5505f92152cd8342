"""Vendor use cases: apply, view, update, admin list and status changes. Each takes a unit of work and never
commits; KYC and bank accounts live in accounts.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from apps.vendors import domain
from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import (
    IllegalStatusTransition,
    InvalidCommission,
    NotVendorOwner,
    VendorAlreadyExists,
    VendorNotFound,
)
from apps.vendors.orm import CommissionRule, Vendor, VendorStatusAudit
from apps.vendors.repository import VendorRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@dataclass(frozen=True)
class StatusChange:
    status: str
    commission: domain.CommissionValue | None = None
    reason: str | None = None
    at: datetime | None = None  # when it happened, for imports of history; default now


# ---- lookups and guards -----------------------------------------------------------------------------------------

async def get_vendor(uow: UnitOfWork, vendor_id: str, *, lock: bool = False) -> Vendor:
    if not is_uuid(vendor_id):
        raise VendorNotFound(f"No vendor {vendor_id!r}.")
    vendor = await uow.repository(VendorRepository).vendor(vendor_id, lock=lock)
    if vendor is None:
        raise VendorNotFound(f"No vendor {vendor_id!r}.")
    return vendor


def can_manage(vendor: Vendor, user: CurrentUser | None) -> bool:
    if user is None:
        return False
    return user.is_admin or user.id == vendor.owner_user_id or (
        user.has_any("vendor_admin") and user.vendor_id == vendor.id)


async def managed_vendor(uow: UnitOfWork, vendor_id: str, user: CurrentUser, *, lock: bool = False) -> Vendor:
    """The vendor if `user` may manage it. Outsiders get 404 for vendors the public cannot see, else 403."""
    vendor = await get_vendor(uow, vendor_id, lock=lock)
    if not can_manage(vendor, user):
        if vendor.status != domain.VendorStatus.ACTIVE:
            raise VendorNotFound(f"No vendor {vendor_id!r}.")
        raise NotVendorOwner("Only the vendor's owner or an admin may do this.")
    return vendor


async def own_vendor(uow: UnitOfWork, user: CurrentUser) -> Vendor:
    """The vendor this user applied for (owner), else the one their token names."""
    vendors = uow.repository(VendorRepository)
    vendor = await vendors.vendor_of_owner(user.id)
    if vendor is None and user.vendor_id and is_uuid(user.vendor_id):
        vendor = await vendors.vendor(user.vendor_id)
    if vendor is None:
        raise VendorNotFound("This account has no vendor application.")
    return vendor


# ---- apply / view / update ---------------------------------------------------------------------------------------

async def _free_slug(uow: UnitOfWork, name: str, vendor_id: str) -> str:
    base = domain.slugify(name)
    if base and not await uow.repository(VendorRepository).slug_taken(base):
        return base
    return domain.unique_slug(base, vendor_id.replace("-", "")[-8:])


@use_case
async def apply(*, uow: UnitOfWork, owner: CurrentUser, name: str, support_email: str,
                support_phone: str | None, vendor_id: str | None = None, at: datetime | None = None) -> Vendor:
    """`vendor_id` and `at` (when it applied) are for imports that must keep ids and history."""
    if await uow.repository(VendorRepository).vendor_of_owner(owner.id) is not None:
        raise VendorAlreadyExists("This account already has a vendor application.")
    vendor_id, at = vendor_id or new_id_str(), at or utcnow()
    vendor = Vendor(id=vendor_id, owner_user_id=owner.id, name=name, slug=await _free_slug(uow, name, vendor_id),
                    status=domain.VendorStatus.PENDING.value, support_email=str(support_email).lower(),
                    support_phone=support_phone, created_at=at, updated_at=at)
    try:
        await uow.repository(VendorRepository).add(vendor)
    except IntegrityError as exc:  # a concurrent application by the same owner (or for the same slug) won
        raise VendorAlreadyExists("A vendor application for this account or name was just made.") from exc
    uow.emit("vendor.applied", {"vendorId": vendor.id, "ownerUserId": owner.id, "name": vendor.name,
                                "slug": vendor.slug, "status": vendor.status, "appliedAt": at}, key=vendor.id,
             occurred_at=at)
    return vendor


@use_case
async def update(*, uow: UnitOfWork, vendor_id: str, user: CurrentUser, changes: dict) -> Vendor:
    vendor = await managed_vendor(uow, vendor_id, user, lock=True)
    if changes.get("support_email"):
        changes = {**changes, "support_email": str(changes["support_email"]).lower()}
    changed = [field for field, value in changes.items() if getattr(vendor, field) != value]
    if not changed:
        return vendor
    for field in changed:
        setattr(vendor, field, changes[field])
    vendor.updated_at = utcnow()
    await uow.repository(VendorRepository).flush()
    uow.emit("vendor.updated", {"vendorId": vendor.id, "name": vendor.name, "slug": vendor.slug,
                                "status": vendor.status, "changedFields": [_camel(f) for f in changed],
                                "updatedAt": vendor.updated_at}, key=vendor.id)
    return vendor


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(p.title() for p in rest)


# ---- commission --------------------------------------------------------------------------------------------------

async def current_commissions(uow: UnitOfWork, vendor_ids: list[str]) -> dict[str, CommissionRule]:
    """The vendor-wide rule in force for each vendor (latest active_from that has started)."""
    if not vendor_ids:
        return {}
    return await uow.repository(VendorRepository).current_commissions(vendor_ids)


def default_commission(settings: VendorsSettings) -> domain.CommissionValue:
    return domain.CommissionValue("percent", domain.percent_to_basis_points(settings.default_commission_percent))


def parse_commission(kind: str | None, value, currency: str | None) -> domain.CommissionValue | None:
    if kind is None:
        return None
    try:
        return domain.commission_from_input(kind, value, currency)
    except ValueError as exc:
        raise InvalidCommission(str(exc), errors=[{"field": "commissionValue", "message": str(exc)}]) from None


def commission_payload(rule: CommissionRule | None) -> dict | None:
    if rule is None:
        return None
    unit = "basis_points" if rule.type == "percent" else "minor_units"
    return {"type": rule.type, "value": rule.value, "unit": unit, "currency": rule.currency,
            "categoryId": rule.category_id, "activeFrom": rule.active_from}


# ---- admin -------------------------------------------------------------------------------------------------------

async def list_vendors(*, uow: UnitOfWork, status: str | None, page: int, per_page: int) -> tuple[list[Vendor], int]:
    stmt = select(Vendor)
    if status:
        stmt = stmt.where(Vendor.status == status)
    total = await uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await uow.session.scalars(
        stmt.order_by(Vendor.created_at.desc(), Vendor.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), int(total or 0)


@use_case
async def change_status(*, uow: UnitOfWork, settings: VendorsSettings, vendor_id: str, actor: CurrentUser,
                        change: StatusChange) -> tuple[Vendor, CommissionRule | None]:
    vendor = await get_vendor(uow, vendor_id, lock=True)
    vendors = uow.repository(VendorRepository)
    previous = vendor.status
    try:
        event_type = domain.transition_event(previous, change.status)
    except domain.IllegalTransition as exc:
        raise IllegalStatusTransition(str(exc)) from None
    at = change.at or utcnow()
    rule = (await current_commissions(uow, [vendor.id])).get(vendor.id)
    becomes_active = change.status == domain.VendorStatus.ACTIVE
    commission = change.commission or (default_commission(settings) if becomes_active and rule is None else None)
    if commission is not None:
        rule = CommissionRule(id=new_id_str(), vendor_id=vendor.id, type=commission.type, value=commission.value,
                              currency=commission.currency, active_from=at, created_by=actor.id)
        await vendors.add(rule)
    vendor.status, vendor.status_changed_at, vendor.updated_at = change.status, at, at
    if becomes_active and vendor.approved_at is None:
        vendor.approved_at = at
    await vendors.add(VendorStatusAudit(id=new_id_str(), vendor_id=vendor.id, from_status=previous,
                                        to_status=change.status, actor_user_id=actor.id, reason=change.reason,
                                        at=at))
    uow.emit(event_type, {
        "vendorId": vendor.id, "ownerUserId": vendor.owner_user_id, "name": vendor.name, "slug": vendor.slug,
        "status": vendor.status, "previousStatus": previous, "commission": commission_payload(rule),
        "reason": change.reason, "actorUserId": actor.id, "changedAt": at}, key=vendor.id, occurred_at=at)
    return vendor, rule


async def status_history(*, uow: UnitOfWork, vendor_id: str) -> list[VendorStatusAudit]:
    vendor = await get_vendor(uow, vendor_id)
    return await uow.repository(VendorRepository).status_history(vendor.id)
