"""Who is looking at the page: the API's own tokens, kept in httpOnly cookies. The access token is verified
against the auth service's JWKS (as the gateway does); an expired one is renewed once with the refresh token."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response

from apps.web.api import ApiError
from kernel.auth import CurrentUser
from kernel.errors import DomainError

ACCESS_COOKIE = "mkt_access"
REFRESH_COOKIE = "mkt_refresh"


@dataclass(frozen=True)
class Viewer:
    user: CurrentUser
    token: str

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def roles(self) -> tuple[str, ...]:
        return self.user.roles

    @property
    def vendor_id(self) -> str | None:
        return self.user.vendor_id

    def has_any(self, *roles: str) -> bool:
        return self.user.has_any(*roles)

    @property
    def role(self) -> str:
        """The one role the navigation is built for (the most powerful the user holds)."""
        for role in ("super_admin", "staff", "vendor_admin", "customer"):
            if role in self.roles:
                return role
        return "customer"


def set_tokens(response: Response, tokens: dict, *, secure: bool) -> None:
    # SameSite=Lax + httpOnly: scripts never read the tokens, and other sites' forms do not carry them;
    # asgi-csrf's double-submit token covers the rest.
    response.set_cookie(ACCESS_COOKIE, tokens["accessToken"], httponly=True, samesite="lax", secure=secure,
                        max_age=int(tokens.get("expiresIn") or 900) + 60 * 60 * 24, path="/")
    if tokens.get("refreshToken"):
        response.set_cookie(REFRESH_COOKIE, tokens["refreshToken"], httponly=True, samesite="lax", secure=secure,
                            max_age=60 * 60 * 24 * 30, path="/")


def clear_tokens(response: Response) -> None:
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path="/")


async def _verify(request: Request, token: str) -> CurrentUser | None:
    try:
        return await request.app.state.token_verifier.verify(token)
    except DomainError:
        return None


async def refresh(request: Request) -> Viewer | None:
    """Trade the refresh cookie for a new pair (also how a newly approved vendor's token gains its vendorId).
    The middleware in main.py writes the new cookies on the way out."""
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    if not refresh_token:
        return None
    try:
        tokens = await request.app.state.api.post("/v1/auth/refresh", json={"refreshToken": refresh_token})
    except ApiError:
        request.state.clear_tokens = True
        return None
    user = await _verify(request, tokens["accessToken"])
    if user is None:
        return None
    request.state.new_tokens = tokens
    viewer = Viewer(user=user, token=tokens["accessToken"])
    request.state.viewer = viewer
    return viewer


async def current_viewer(request: Request) -> Viewer | None:
    """FastAPI dependency: the signed-in viewer, or None for an anonymous visitor."""
    if hasattr(request.state, "viewer"):
        return request.state.viewer
    viewer = None
    token = request.cookies.get(ACCESS_COOKIE)
    if token:
        user = await _verify(request, token)
        viewer = Viewer(user=user, token=token) if user is not None else None
    if viewer is None and request.cookies.get(REFRESH_COOKIE):
        viewer = await refresh(request)
    request.state.viewer = viewer
    return viewer
