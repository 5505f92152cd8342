"""Sign in, sign out and register: the API's tokens go into httpOnly cookies, never into the page."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from apps.web.access import PUBLIC, ViewerDep, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.session import REFRESH_COOKIE, clear_tokens, set_tokens

router = APIRouter()


def _safe_next(next_url: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing aid.
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    return ""


def home_for(roles: list[str] | tuple[str, ...]) -> str:
    if "super_admin" in roles or "staff" in roles:
        return "/admin"
    if "vendor_admin" in roles:
        return "/vendor"
    return "/"


@page(router, "/login", title="Sign in", roles=PUBLIC, area="auth")
async def login_form(request: Request, viewer: ViewerDep, next: str = ""):  # noqa: A002 - query name
    return render(request, "auth/login.html", {"next": _safe_next(next)})


@page(router, "/login", title="Sign in", roles=PUBLIC, area="auth", methods=("POST",))
async def login(request: Request, email: Annotated[str, Form()], password: Annotated[str, Form()],
                next: Annotated[str, Form()] = ""):  # noqa: A002
    api = request.app.state.api
    try:
        tokens = await api.post("/v1/auth/login", json={"email": email.strip(), "password": password})
    except ApiError as exc:
        return render(request, "auth/login.html", {"next": _safe_next(next), "email": email}, status=exc.status,
                      error=exc.message)
    user = await request.app.state.token_verifier.verify(tokens["accessToken"])
    response = redirect(_safe_next(next) or home_for(user.roles))
    set_tokens(response, tokens, secure=request.app.state.settings.cookie_secure)
    return response


@page(router, "/logout", title="Sign out", roles=PUBLIC, area="auth", methods=("POST",))
async def logout(request: Request):
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    if refresh_token:
        try:
            await request.app.state.api.post("/v1/auth/logout", json={"refreshToken": refresh_token})
        except ApiError:
            pass  # already revoked or expired: signing out still clears the cookies
    response = redirect("/", notice="You are signed out.")
    clear_tokens(response)
    return response


@page(router, "/register", title="Create an account", roles=PUBLIC, area="auth")
async def register_form(request: Request, viewer: ViewerDep):
    return render(request, "auth/register.html", {})


@page(router, "/register", title="Create an account", roles=PUBLIC, area="auth", methods=("POST",))
async def register(request: Request, name: Annotated[str, Form()], email: Annotated[str, Form()],
                   password: Annotated[str, Form()]):
    api = request.app.state.api
    form = {"name": name, "email": email}
    try:
        await api.post("/v1/auth/register", json={"email": email.strip(), "password": password, "name": name.strip()})
        tokens = await api.post("/v1/auth/login", json={"email": email.strip(), "password": password})
    except ApiError as exc:
        return render(request, "auth/register.html", {"form": form}, status=exc.status, error=exc.message)
    response = redirect("/", notice=f"Welcome, {name.strip() or email}!")
    set_tokens(response, tokens, secure=request.app.state.settings.cookie_secure)
    return response
