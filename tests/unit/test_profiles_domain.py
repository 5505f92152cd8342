"""Pure profile rules: phone, birth date, country, postal prefix, field names and the default-address rules."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from apps.profiles import domain
from apps.profiles.schemas import AddressCreate, AddressUpdate, ProfileUpdate
from kernel.contracts.registry import contract_for

TODAY = date(2024, 6, 15)


@pytest.mark.parametrize(("raw", "stored"), [
    ("+14155550123", "+14155550123"),
    ("+1 (415) 555-0123", "+14155550123"),
    ("+44 20 7946 0958", "+442079460958"),
    ("0049.30.1234567", "+49301234567"),
])
def test_phone_is_stored_in_e164_form(raw, stored):
    assert domain.normalize_phone(raw) == stored


@pytest.mark.parametrize("raw", ["4155550123", "+0123456789", "+1234", "+1234567890123456", "+1 415 CALL-NOW", ""])
def test_phone_without_country_code_or_with_wrong_length_is_refused(raw):
    with pytest.raises(ValueError):
        domain.normalize_phone(raw)


def test_dob_must_be_past_and_not_before_1900():
    assert domain.check_dob(date(1900, 1, 1), TODAY) == date(1900, 1, 1)
    assert domain.check_dob(TODAY - timedelta(days=1), TODAY)
    for bad in (date(1899, 12, 31), TODAY, TODAY + timedelta(days=1)):
        with pytest.raises(ValueError):
            domain.check_dob(bad, TODAY)
    with pytest.raises(ValueError):
        domain.check_dob(datetime(1990, 1, 1, tzinfo=timezone.utc), TODAY)


def test_country_is_an_assigned_alpha2_code_in_upper_case():
    assert len(domain.COUNTRY_CODES) == 249
    assert domain.normalize_country(" de ") == "DE"
    for bad in ("XX", "UK", "USA", "D", "EU"):  # UK and EU are reserved/exceptional, not assigned
        with pytest.raises(ValueError):
            domain.normalize_country(bad)


def test_postal_prefix_is_coarse_and_absent_when_unknown():
    assert domain.postal_prefix("94105-1804") == "941"
    assert domain.postal_prefix("sw1a 1aa") == "SW1"
    assert domain.postal_prefix("") is None and domain.postal_prefix(None) is None


def test_changed_fields_and_api_names():
    current = {"name": "Ada", "phone": None, "marketing_opt_in": False}
    assert domain.changed_fields(current, {"name": "Ada", "phone": "+14155550123", "marketing_opt_in": True}) == [
        "marketing_opt_in", "phone"]
    assert domain.changed_fields(current, {"name": "Ada"}) == []
    assert [domain.api_name(f) for f in ("marketing_opt_in", "postal_code", "line1", "dob")] == [
        "marketingOptIn", "postalCode", "line1", "dob"]


def test_first_address_is_default_and_the_cap_holds():
    assert domain.becomes_default(False, 0) and domain.becomes_default(True, 3)
    assert not domain.becomes_default(False, 1)
    assert domain.can_add_address(19, 20) and not domain.can_add_address(20, 20)


@dataclass
class _Addr:
    id: str
    created_at: datetime


def test_the_most_recent_remaining_address_is_promoted():
    t = datetime(2024, 1, 1, tzinfo=timezone.utc)
    old, new, tie = _Addr("a", t), _Addr("b", t + timedelta(hours=1)), _Addr("c", t + timedelta(hours=1))
    assert domain.promotion_candidate([old, new]) is new
    assert domain.promotion_candidate([new, tie, old]) is tie  # same instant: the later (UUIDv7) id
    assert domain.promotion_candidate([]) is None


def test_profile_update_schema_refuses_unknown_fields_and_null_consent():
    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate({"email": "x@example.com"})
    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate({"marketingOptIn": None})
    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate({"dob": 946684800})  # a timestamp is not a birth date
    assert ProfileUpdate.model_validate({"name": None}).model_dump(exclude_unset=True) == {"name": None}


def test_address_schemas_require_core_fields_and_normalize_country():
    body = AddressCreate.model_validate({"line1": "1 Main St", "city": "Berlin", "country": "de"})
    assert body.country == "DE" and body.is_default is False
    with pytest.raises(ValidationError):
        AddressCreate.model_validate({"line1": "1 Main St", "city": "Berlin"})
    with pytest.raises(ValidationError):
        AddressUpdate.model_validate({"city": None})
    with pytest.raises(ValidationError):
        AddressUpdate.model_validate({"isDefault": "yes"})


def test_events_carry_field_names_and_coarse_geography_only():
    contract = contract_for("address.created")
    fields = set(contract.model.model_json_schema(by_alias=True)["properties"])
    assert fields.isdisjoint({"line1", "line2", "postalCode", "name", "phone", "dob", "label", "state"})
    updated = contract_for("profile.updated").validate({
        "userId": "u", "changedFields": ["phone"], "marketingOptIn": False, "updatedAt": datetime.now(timezone.utc)})
    assert updated["changedFields"] == ["phone"] and "phone" not in updated
