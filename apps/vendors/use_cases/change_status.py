"""An admin moves a vendor through the status machine (domain.TRANSITIONS): approve, reject, suspend, reinstate.
Each move is audited and announced; the first approval grants the default commission unless the admin names one,
and a named commission starts a new rule. The router's variant also tells auth at once (clients.sync_owner_role)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apps.vendors import domain
from apps.vendors.clients import sync_owner_role
from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import IllegalStatusTransition, InvalidCommission
from apps.vendors.orm import CommissionRule, Vendor, VendorStatusAudit
from apps.vendors.queries import current_commissions, get_vendor
from apps.vendors.repository import VendorRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@dataclass(frozen=True)
class StatusChange:
    status: str
    commission: domain.CommissionValue | None = None
    reason: str | None = None
    at: datetime | None = None  # when it happened, for imports of history; default now


def default_commission(settings: VendorsSettings) -> domain.CommissionValue:
    return domain.CommissionValue("percent", domain.percent_to_basis_points(settings.default_commission_percent))


def parse_commission(kind: str | None, value, currency: str | None) -> domain.CommissionValue | None:
    if kind is None:
        return None
    try:
        return domain.commission_from_input(kind, value, currency)
    except ValueError as exc:
        raise InvalidCommission(str(exc), errors=[{"field": "commissionValue", "message": str(exc)}]) from None


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
        "status": vendor.status, "previousStatus": previous, "commission": domain.commission_payload(rule),
        "reason": change.reason, "actorUserId": actor.id, "changedAt": at}, key=vendor.id, occurred_at=at)
    return vendor, rule


async def change_status_and_sync_role(*, uow: UnitOfWork, clients: ServiceClients, settings: VendorsSettings,
                                      vendor_id: str, actor: CurrentUser,
                                      change: StatusChange) -> tuple[Vendor, CommissionRule | None]:
    """change_status on a fresh unit of work, then, after its commit, the owner's role at auth (auth only hears of
    committed changes; when it cannot be reached the change stands and the event carries it later)."""
    vendor, rule = await change_status(uow=uow, settings=settings, vendor_id=vendor_id, actor=actor, change=change)
    await sync_owner_role(clients, vendor)
    return vendor, rule
