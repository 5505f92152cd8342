"""Pure profile rules: what a valid phone, birth date and country are, and which address is the default."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

# ISO 3166-1 alpha-2, the 249 officially assigned codes (as in the IANA tz database's iso3166.tab). Held here
# rather than read from a package so validation never depends on what happens to be installed.
COUNTRY_CODES: frozenset[str] = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA
CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA
GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS
MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS
RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW
TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

EARLIEST_DOB = date(1900, 1, 1)
# E.164: "+", a country code not starting with 0, at most 15 digits in all; 7 is the shortest real number.
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# People write numbers with spaces, dashes, dots and parentheses; we store the bare E.164 form.
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]")
# Three characters, like HIPAA safe harbor's 3-digit ZIP: an area for analytics, never a street.
POSTAL_PREFIX_LENGTH = 3


def normalize_phone(raw: str) -> str:
    phone = _PHONE_SEPARATORS.sub("", raw)
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not _E164.match(phone):
        raise ValueError("phone must be an international number like +14155550123")
    return phone


def check_dob(dob: date, today: date) -> date:
    if isinstance(dob, datetime):
        raise ValueError("dob must be a date (YYYY-MM-DD) without a time")
    if dob < EARLIEST_DOB:
        raise ValueError(f"dob must not be before {EARLIEST_DOB.isoformat()}")
    if dob >= today:
        raise ValueError("dob must be in the past")
    return dob


def normalize_country(raw: str) -> str:
    code = raw.strip().upper()
    if code not in COUNTRY_CODES:
        raise ValueError("country must be an ISO 3166-1 alpha-2 code such as US or DE")
    return code


def postal_prefix(postal_code: str | None) -> str | None:
    compact = _NON_ALNUM.sub("", postal_code or "").upper()
    return compact[:POSTAL_PREFIX_LENGTH] or None


def api_name(field: str) -> str:
    """snake_case attribute → the camelCase name clients see (postal_code → postalCode)."""
    head, *rest = field.split("_")
    return head + "".join(part.capitalize() for part in rest)


def changed_fields(current: Mapping[str, Any], changes: Mapping[str, Any]) -> list[str]:
    """Attribute names whose requested value differs from the stored one, in a stable order."""
    return sorted(name for name, value in changes.items() if current.get(name) != value)


class Dated(Protocol):
    id: str
    created_at: datetime


D = TypeVar("D", bound=Dated)


def becomes_default(requested: bool, existing_count: int) -> bool:
    """The first address is the default whatever was asked: an address book always has exactly one."""
    return requested or existing_count == 0


def can_add_address(existing_count: int, limit: int) -> bool:
    return existing_count < limit


def promotion_candidate(remaining: Sequence[D]) -> D | None:
    """After the default is deleted, the most recently created remaining address takes over (id breaks ties:
    UUIDv7 ids are time-ordered too)."""
    return max(remaining, key=lambda a: (a.created_at, a.id), default=None)
