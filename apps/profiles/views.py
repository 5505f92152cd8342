"""ORM rows → the HTTP contract's shapes (schemas.py)."""
from __future__ import annotations

from apps.profiles.orm import Address, Profile
from apps.profiles.schemas import AddressOut, ProfileOut
from kernel.auth import CurrentUser


def profile_out(profile: Profile, user: CurrentUser) -> ProfileOut:
    # Roles and vendorId belong to the auth service; the token is their source of truth for this request.
    return ProfileOut(userId=profile.user_id, name=profile.name, phone=profile.phone, dob=profile.dob,
                      marketingOptIn=profile.marketing_opt_in, roles=list(user.roles), vendorId=user.vendor_id,
                      createdAt=profile.created_at, updatedAt=profile.updated_at)


def address_out(a: Address) -> AddressOut:
    return AddressOut(id=a.id, label=a.label, line1=a.line1, line2=a.line2, city=a.city, state=a.state,
                      postalCode=a.postal_code, country=a.country, isDefault=a.is_default, createdAt=a.created_at,
                      updatedAt=a.updated_at)
