"""Token verification for every service (RS256 via JWKS), the current user, role and vendor-scope guards."""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request

from kernel.context import bind_user
from kernel.errors import Forbidden, Unauthorized
from kernel.vendor_status import require_active_vendor

ROLES = ("super_admin", "vendor_admin", "staff", "customer")
ADMIN_ROLES = ("super_admin",)
JwksLoader = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class CurrentUser:
    id: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    vendor_id: str | None = None

    def has_any(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_admin(self) -> bool:
        return "super_admin" in self.roles


def http_jwks_loader(url: str, client: httpx.AsyncClient | None = None) -> JwksLoader:
    async def load() -> dict[str, Any]:
        if client is not None:
            resp = await client.get(url)
        else:
            async with httpx.AsyncClient(timeout=5) as c:
                resp = await c.get(url)
        resp.raise_for_status()
        return resp.json()

    return load


class TokenVerifier:
    """Verifies access tokens against the auth service's JWKS: RS256 only (so `alg: none` and HS256 forgeries
    with the public key fail), issuer, audience and expiry required. Unknown `kid` refetches the JWKS (rotation),
    at most once per `refetch_after` seconds."""

    # Tokens already verified, with their expiry: a buyer's token comes back on every request, and the RSA check
    # is the dearest step of the request's edge. A token string is its signature, so a changed token is a miss.
    VERIFIED_MAX = 10_000

    def __init__(self, loader: JwksLoader, *, issuer: str, audience: str, refetch_after: float = 30.0) -> None:
        self._loader, self.issuer, self.audience = loader, issuer, audience
        self._verified: dict[str, tuple[CurrentUser, float]] = {}
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._refetch_after = refetch_after

    async def _key_for(self, kid: str | None) -> Any:
        if kid not in self._keys and time.monotonic() - self._fetched_at > self._refetch_after or not self._keys:
            document = await self._loader()
            self._keys = {k["kid"]: jwt.PyJWK(k).key for k in document.get("keys", []) if k.get("kty") == "RSA"}
            self._fetched_at = time.monotonic()
        if kid not in self._keys:
            raise Unauthorized("Unknown signing key.")
        return self._keys[kid]

    async def verify(self, token: str) -> CurrentUser:
        if (known := self._verified.get(token)) is not None:
            user, expires = known
            if time.time() < expires:
                return user
            del self._verified[token]
            raise Unauthorized("Token expired.")
        user, expires = await self._verify_signed(token)
        if len(self._verified) >= self.VERIFIED_MAX:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = (user, expires)
        return user

    async def _verify_signed(self, token: str) -> tuple[CurrentUser, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("Malformed token.") from None
        if header.get("alg") != "RS256":
            raise Unauthorized("Unsupported token algorithm.")
        key = await self._key_for(header.get("kid"))
        try:
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "iat", "sub", "aud", "iss"]})
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Token expired.") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"Invalid token: {exc}.") from None
        if claims.get("typ") != "access":
            raise Unauthorized("Not an access token.")
        user = CurrentUser(id=claims["sub"], roles=tuple(claims.get("roles", [])), vendor_id=claims.get("vendorId"))
        return user, float(claims["exp"])


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def optional_user(request: Request) -> CurrentUser | None:
    token = bearer_token(request)
    if token is None:
        return None
    verifier: TokenVerifier = request.app.state.token_verifier
    user = await verifier.verify(token)
    bind_user(user.id, "admin" if user.is_admin else "vendor" if user.vendor_id else "user")
    return user


async def current_user(user: Annotated[CurrentUser | None, Depends(optional_user)]) -> CurrentUser:
    if user is None:
        raise Unauthorized("Authentication required.", headers={"WWW-Authenticate": "Bearer"})
    return user


CurrentUserDep = Annotated[CurrentUser, Depends(current_user)]


def require_role(*roles: str) -> Callable[..., Awaitable[CurrentUser]]:
    async def guard(user: CurrentUserDep) -> CurrentUser:
        if not user.has_any(*roles):
            raise Forbidden(f"Requires one of the roles: {', '.join(roles)}.")
        return user

    return guard


AdminDep = Annotated[CurrentUser, Depends(require_role("super_admin"))]
StaffDep = Annotated[CurrentUser, Depends(require_role("super_admin", "staff"))]


async def vendor_scope(vendorId: str, user: CurrentUserDep, request: Request) -> CurrentUser:  # noqa: N803
    """The path's vendorId must be the token's vendorId (or the caller is a super_admin); a vendor's writes also
    need the vendor to be active right now (kernel.vendor_status: suspension refuses them at once)."""
    if user.is_admin:
        return user
    if not user.has_any("vendor_admin") or user.vendor_id != vendorId:
        raise Forbidden("This vendor's resources belong to another account.")
    await require_active_vendor(request, vendorId)
    return user


VendorScopeDep = Annotated[CurrentUser, Depends(vendor_scope)]
