"""Which role may open which page. Every page is declared with `page(...)`, so the role matrix lives in one table
(PAGES) that the navigation and the role-matrix browser test both read. The API enforces the same rules again:
the page check only spares the user a page of errors."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from apps.web.session import Viewer, current_viewer

PUBLIC = "anonymous"
SHOPPER = ("customer",)
VENDOR = ("vendor_admin",)
ADMIN = ("super_admin",)
STAFF = ("super_admin", "staff")
RISK = ("super_admin", "staff")
ALL_ROLES = ("anonymous", "customer", "vendor_admin", "staff", "super_admin")


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    roles: tuple[str, ...]  # ("anonymous",) = everyone, signed in or not
    area: str  # shop | vendor | admin | risk | account
    nav: bool  # shown in the area's navigation (pages with path parameters are not)


PAGES: dict[str, PageSpec] = {}


class LoginRequired(Exception):
    """Anonymous visitor on a page that needs a role: send them to sign in and back."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class RoleForbidden(Exception):
    def __init__(self, spec: PageSpec) -> None:
        self.spec = spec


def allowed(spec: PageSpec, viewer: Viewer | None) -> bool:
    if PUBLIC in spec.roles:
        return True
    return viewer is not None and viewer.has_any(*spec.roles)


def _guard(spec: PageSpec) -> Callable[..., Any]:
    async def check(request: Request, viewer: Annotated[Viewer | None, Depends(current_viewer)]) -> Viewer | None:
        if PUBLIC in spec.roles:
            return viewer
        if viewer is None:
            raise LoginRequired(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
        if not viewer.has_any(*spec.roles):
            raise RoleForbidden(spec)
        return viewer

    return check


def page(router: APIRouter, path: str, *, title: str, roles: tuple[str, ...] | str, area: str,
         methods: tuple[str, ...] = ("GET",), nav: bool | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a page: registers the route and its roles. Handlers take `viewer: ViewerDep`."""
    roles_t = (roles,) if isinstance(roles, str) else tuple(roles)
    spec = PageSpec(path=path, title=title, roles=roles_t, area=area, nav=("{" not in path) if nav is None else nav)
    if "GET" in methods:
        PAGES[path] = spec

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(path, fn, methods=list(methods), dependencies=[Depends(_guard(spec))],
                             include_in_schema=False, response_model=None)
        return fn

    return register


def action(router: APIRouter, path: str, *, roles: tuple[str, ...] | str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A form target (POST) with the same role guard as pages; not listed in the navigation."""
    roles_t = (roles,) if isinstance(roles, str) else tuple(roles)
    spec = PageSpec(path=path, title=path, roles=roles_t, area="action", nav=False)

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(path, fn, methods=["POST"], dependencies=[Depends(_guard(spec))],
                             include_in_schema=False, response_model=None)
        return fn

    return register


ViewerDep = Annotated[Viewer | None, Depends(current_viewer)]


def nav_for(viewer: Viewer | None, area: str | None = None) -> list[PageSpec]:
    return [s for s in PAGES.values() if s.nav and (area is None or s.area == area) and allowed(s, viewer)
            and not (PUBLIC in s.roles and s.area == "auth")]
