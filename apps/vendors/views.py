"""ORM rows → the HTTP answers of schemas.py (one place, shared by the routers)."""
from __future__ import annotations

from apps.vendors import domain
from apps.vendors.orm import BankAccount, CommissionRule, KycDocument, Vendor, VendorStatusAudit
from apps.vendors.queries import VendorDetails
from apps.vendors.schemas import AuditOut, BankOut, CommissionOut, KycOut, VendorFull, VendorPublic, VendorSummary


def commission_out(rule: CommissionRule | None) -> CommissionOut | None:
    data = domain.commission_payload(rule)
    return CommissionOut.model_validate({k: v for k, v in data.items() if k != "categoryId"}) if data else None


def public_out(v: Vendor) -> VendorPublic:
    return VendorPublic(id=v.id, name=v.name, slug=v.slug, status=v.status, description=v.description,
                        logoUrl=v.logo_url)


def _summary_fields(v: Vendor, rule: CommissionRule | None) -> dict:
    return {**public_out(v).model_dump(), "owner_user_id": v.owner_user_id, "support_email": v.support_email,
            "support_phone": v.support_phone, "commission": commission_out(rule), "created_at": v.created_at,
            "updated_at": v.updated_at, "approved_at": v.approved_at, "status_changed_at": v.status_changed_at}


def summary_out(v: Vendor, rule: CommissionRule | None) -> VendorSummary:
    return VendorSummary(**_summary_fields(v, rule))


def full_out(v: Vendor, details: VendorDetails) -> VendorFull:
    return VendorFull(**_summary_fields(v, details.commission), kyc=[kyc_out(d) for d in details.kyc],
                      bank_accounts=[bank_out(b) for b in details.bank_accounts])


def kyc_out(d: KycDocument) -> KycOut:
    return KycOut(id=d.id, vendorId=d.vendor_id, docType=d.doc_type, docUrl=d.doc_url, status=d.status,
                  createdAt=d.created_at)


def bank_out(b: BankAccount) -> BankOut:
    return BankOut(id=b.id, vendorId=b.vendor_id, accountHolder=b.account_holder, accountType=b.account_type,
                   accountMasked=domain.mask(b.account_last4), bankName=b.bank_name, country=b.country,
                   createdAt=b.created_at)


def audit_out(r: VendorStatusAudit) -> AuditOut:
    return AuditOut(id=r.id, **{"from": r.from_status, "to": r.to_status}, actorUserId=r.actor_user_id,
                    reason=r.reason, at=r.at)
