"""Events produced by the profiles domain (topic profiles.v1, key = userId so one user's changes stay in order).

Profiles hold PII (name, phone, birth date, street addresses); none of it leaves the service. Events carry ids,
which fields changed, consent, and coarse geography (country, city, postal prefix) that analytics, fraud and
demand models can use without identifying a person.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import PROFILES


class ProfileCreated(Payload):
    user_id: str = Field(alias="userId")
    # Consent is not PII, and notifications need its current value to respect it.
    marketing_opt_in: bool = Field(alias="marketingOptIn")
    created_at: datetime = Field(alias="createdAt")


class ProfileUpdated(Payload):
    user_id: str = Field(alias="userId")
    changed_fields: list[str] = Field(alias="changedFields", description="API field names; never their values")
    marketing_opt_in: bool = Field(alias="marketingOptIn")
    updated_at: datetime = Field(alias="updatedAt")


class AddressCreated(Payload):
    user_id: str = Field(alias="userId")
    address_id: str = Field(alias="addressId")
    country: str = Field(description="ISO 3166-1 alpha-2")
    city: str
    postal_prefix: str | None = Field(None, alias="postalPrefix", description="first characters only")
    is_default: bool = Field(alias="isDefault")
    occurred_at: datetime = Field(alias="occurredAt")


class AddressUpdated(AddressCreated):
    changed_fields: list[str] = Field(alias="changedFields", description="API field names; never their values")


class AddressDeleted(Payload):
    user_id: str = Field(alias="userId")
    address_id: str = Field(alias="addressId")
    country: str
    was_default: bool = Field(alias="wasDefault")
    occurred_at: datetime = Field(alias="occurredAt")


CONTRACTS = [
    Contract("profile.created", 1, PROFILES, ProfileCreated),
    Contract("profile.updated", 1, PROFILES, ProfileUpdated),
    Contract("address.created", 1, PROFILES, AddressCreated),
    Contract("address.updated", 1, PROFILES, AddressUpdated),
    Contract("address.deleted", 1, PROFILES, AddressDeleted),
]
