"""Pure auth rules: password policy, opaque token generation and hashing, access-token claims."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kernel.ids import new_id_str

# argon2id with the library's RFC 9106 low-memory defaults.
_hasher = PasswordHasher()
# Verified when the email is unknown so a miss costs as much time as a hit (no account enumeration by timing).
DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, *, min_length: int) -> list[str]:
    problems = []
    if len(password) < min_length:
        problems.append(f"must be at least {min_length} characters")
    if len(password) > 128:
        problems.append("must be at most 128 characters")
    if password.isdigit() or password.isalpha():
        problems.append("must mix letters with digits or symbols")
    return problems


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_claims(*, user_id: str, roles: list[str], vendor_id: str | None, issuer: str, audience: str,
                  now: datetime, ttl: timedelta) -> dict:
    claims = {"sub": user_id, "roles": roles, "iss": issuer, "aud": audience, "typ": "access",
              "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()), "jti": new_id_str()}
    if vendor_id:
        claims["vendorId"] = vendor_id
    return claims


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()
