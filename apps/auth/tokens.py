"""The auth service's signer: the only place in the system holding a JWT private key."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from apps.auth.config import AuthSettings
from apps.auth.domain import access_claims
from kernel.jwt_keys import SigningKey, jwks_document


class TokenIssuer:
    def __init__(self, key: SigningKey, settings: AuthSettings) -> None:
        self.key, self.settings = key, settings
        # Parsed once: handed the PEM, PyJWT would parse and re-validate the RSA key on every token (~60 ms each).
        self._private_key = load_pem_private_key(key.private_pem, password=None)
        self.ttl = timedelta(minutes=settings.access_token_ttl_minutes)

    @classmethod
    def from_settings(cls, settings: AuthSettings) -> "TokenIssuer":
        if settings.jwt_private_key:
            key = SigningKey(settings.jwt_private_key.encode())
        elif settings.is_dev:
            key = SigningKey.load_or_create(settings.signing_key_path())
        else:
            raise RuntimeError("AUTH_JWT_PRIVATE_KEY must be set outside ENV=dev|test")
        return cls(key, settings)

    def access_token(self, *, user_id: str, roles: list[str], vendor_id: str | None,
                     now: datetime | None = None) -> str:
        claims = access_claims(user_id=user_id, roles=roles, vendor_id=vendor_id, issuer=self.settings.jwt_issuer,
                               audience=self.settings.jwt_audience, now=now or datetime.now(timezone.utc),
                               ttl=self.ttl)
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": self.key.kid})

    def jwks(self) -> dict:
        return jwks_document([self.key])
