"""The role matrix, walked in Chromium: every page of apps.web.access.PAGES (the one role table the navigation
reads) against every kind of visitor — anonymous, customer, vendor_admin of an approved vendor, staff,
super_admin — each signed in through the login form.

- allowed → 200 (a page with path parameters gets a sample that exists where the API has one; otherwise only its
  guard is checked: anything but the guard's refusal, and never a 500);
- forbidden → the 403 page with the reason in words (signed in) or a redirect to /login (anonymous), and no data:
  not a table row on the page;
- independently of PAGES, each area's pages stay inside the roles its area may ever have (a page declared with a
  too-wide role fails here, not only in review);
- every declared page is served by the app.

A second test loads every page for a role of its own on a phone-sized screen and checks nothing overflows sideways.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import apps.web.main as web_main
from apps.web.access import PAGES, PUBLIC, PageSpec
from apps.web.config import WebSettings
from tests.browser.conftest import PASSWORD, api_token, register_shopper
from tests.browser.risk_setup import run_async, sign_in_as
from tests.flows import approved_vendor, bearer, claims

pytestmark = pytest.mark.timeout(600)

ROLES = ("anonymous", "customer", "vendor_admin", "staff", "super_admin")
SIGNED_IN = set(ROLES) - {"anonymous"}
# What each area may ever grant, whatever a page declares (the product plan's roles; staff see the back office's
# support side — which of its pages is for super_admin only is the back office's own test).
AREA_LIMITS = {"admin": {"staff", "super_admin"}, "risk": {"staff", "super_admin"},
               "vendor": SIGNED_IN, "account": SIGNED_IN}
GUARD_TEXT = "may not open"
PARAM = re.compile(r"\{([^}]+)\}")
ROW = re.compile(r"<tr[\s>]", re.I)
# Pages whose right answer to a bare visit is not 200, and why (checked as such, so a change still shows).
PAGE_SPECIFIC = {"/checkout": ({200, 303}, "an empty cart is sent back to /cart"),
                 "/vendor/forecasts/chart": ({200, 422}, "a chart fragment: without ?sku= it asks for one")}
# Loaded in Chromium too, for every role: the first page of each area.
BROWSER_PAGES = ("/", "/cart", "/orders", "/vendor", "/admin", "/risk")


@dataclass
class Visitor:
    role: str
    roles: tuple[str, ...]  # the roles in the visitor's token (a vendor owner may also be a customer)
    context: Any = None
    state: Any = None
    page: Any = None
    email: str | None = None


@dataclass
class Matrix:
    cells: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, where: str, what: str) -> None:
        if not ok:
            self.failures.append(f"{where}: {what}")


def _allowed(spec: PageSpec, visitor: Visitor) -> bool:
    return PUBLIC in spec.roles or any(r in spec.roles for r in visitor.roles)


def _samples(api: httpx.Client, admin_token: str) -> dict[str, str]:
    """Path → a URL with ids that exist, for the pages the API can give a sample for."""
    found: dict[str, str] = {}
    products = api.get("/v1/products", params={"perPage": 1}).json().get("items") or []
    if products:
        found["/p/{slug}"] = f"/p/{products[0]['slug']}"
    reviewed = api.get("/v1/admin/fraud/queue", params={"status": "all", "perPage": 1},
                       headers=bearer(admin_token)).json().get("items") or []
    if reviewed:
        found["/risk/orders/{order_no}"] = f"/risk/orders/{reviewed[0]['orderNo']}"
    orders = api.get("/v1/admin/orders", params={"perPage": 1}, headers=bearer(admin_token)).json().get("items") or []
    if orders:
        found["/admin/orders/{order_no}"] = f"/admin/orders/{orders[0]['orderNo']}"
    return found


def _url(path: str, samples: dict[str, str]) -> tuple[str, bool]:
    """(url, real): a sample that exists, or a placeholder for a guard-only check."""
    if "{" not in path:
        return path, True
    if path in samples:
        return samples[path], True
    return PARAM.sub(lambda m: f"sample-{m.group(1).replace('_', '-')}-0", path), False


@pytest.fixture(scope="module")
def visitors(playwright_browser, web_base_url, api, admin_email, staff_email):
    admin_token = api_token(api, admin_email)

    async def vendor_owner() -> dict:
        async with httpx.AsyncClient(base_url=web_base_url, timeout=30) as client:
            return await approved_vendor(client, admin_token, timeout=180)

    vendor = run_async(vendor_owner())
    accounts = {"customer": (register_shopper(api), PASSWORD), "vendor_admin": (vendor["owner"]["email"],
                                                                                 vendor["owner"]["password"]),
                "staff": (staff_email, PASSWORD), "super_admin": (admin_email, PASSWORD)}
    made = {"anonymous": Visitor("anonymous", ())}
    for role, (email, password) in accounts.items():
        roles = tuple(claims(api_token(api, email, password))["roles"])
        assert role in roles, (role, roles)
        made[role] = Visitor(role, roles, email=email)
    for visitor in made.values():
        visitor.context = playwright_browser.new_context(base_url=web_base_url, viewport={"width": 1280,
                                                                                          "height": 900})
        visitor.context.set_default_timeout(20_000)
        visitor.page = visitor.context.new_page()
        if visitor.email:
            sign_in_as(visitor.page, visitor.email, visitor.role, accounts[visitor.role][1])
        visitor.state = visitor.context.storage_state()
    yield {"visitors": made, "samples": _samples(api, admin_token), "vendor": vendor}
    for visitor in made.values():
        visitor.context.close()


def _get_paths(routes: list) -> set[str]:
    """GET paths of an app, through included routers (FastAPI keeps them as wrappers around the original)."""
    paths: set[str] = set()
    for route in routes:
        if hasattr(route, "original_router"):
            paths |= _get_paths(route.original_router.routes)
        elif "GET" in (getattr(route, "methods", None) or ()):
            paths.add(route.path)
    return paths


def test_every_page_is_served_and_kept_within_its_area():
    served = _get_paths(web_main.create_app(WebSettings()).routes)
    missing = sorted(set(PAGES) - served)
    assert not missing, f"declared in PAGES but not served (module not in apps/web/main.py?): {missing}"
    def granted(spec: PageSpec) -> set[str]:
        return set(ROLES) if PUBLIC in spec.roles else set(spec.roles)

    too_wide = [f"{s.path} ({s.area}) grants {sorted(granted(s) - AREA_LIMITS[s.area])}" for s in PAGES.values()
                if s.area in AREA_LIMITS and not granted(s) <= AREA_LIMITS[s.area]]
    assert not too_wide, too_wide


def _check_cell(matrix: Matrix, spec: PageSpec, visitor: Visitor, url: str, real: bool, status: int, html: str,
                landed: str) -> None:
    where = f"{visitor.role:>12} {url}"
    matrix.cells += 1
    matrix.check(status < 500 and "Traceback" not in html, where, f"crashed ({status})")
    if _allowed(spec, visitor):
        matrix.check(GUARD_TEXT not in html and "/login?next=" not in landed, where,
                     f"refused by the guard although {visitor.role} is allowed")
        if real:
            expected = PAGE_SPECIFIC.get(spec.path, ({200}, ""))[0]
            matrix.check(status in expected, where, f"answered {status}, expected {sorted(expected)}")
    elif visitor.role == "anonymous":
        matrix.check("/login?next=" in landed, where, f"not sent to sign in (landed on {landed})")
    else:
        matrix.check(status == 403 and GUARD_TEXT in html, where, f"not refused: {status}")
        matrix.check(ROW.search(html) is None, where, "a refused page shows table rows")


def test_role_matrix(visitors):
    """Every page x every role, with each visitor's browser cookies (Playwright's request API shares the signed-in
    context's cookie jar; no rendering, so the whole matrix stays fast); the navigation pages of each area are also
    loaded in Chromium itself for every role, where the refused page must show no table row either."""
    matrix, started = Matrix(), time.monotonic()
    samples = visitors["samples"]
    for path, spec in sorted(PAGES.items()):
        url, real = _url(path, samples)
        for role in ROLES:
            visitor = visitors["visitors"][role]
            resp = visitor.context.request.get(url, max_redirects=0)
            location = resp.headers.get("location", "")
            _check_cell(matrix, spec, visitor, url, real, resp.status, resp.text() if resp.status != 303 else "",
                        location if 300 <= resp.status < 400 else url)
    http_cells, http_took = matrix.cells, time.monotonic() - started
    for path in BROWSER_PAGES:
        if path not in PAGES:
            continue
        for role in ROLES:
            visitor = visitors["visitors"][role]
            response = visitor.page.goto(path)
            _check_cell(matrix, PAGES[path], visitor, path, True, response.status, visitor.page.content(),
                        visitor.page.url)
            if not _allowed(PAGES[path], visitor) and role != "anonymous":
                matrix.check(visitor.page.locator("main tr").count() == 0, f"{role} {path}", "rows in Chromium")
    print(f"\nrole matrix: {http_cells} cells ({len(PAGES)} pages x {len(ROLES)} roles) with browser cookies in "
          f"{http_took:.1f} s, {matrix.cells - http_cells} of them again in Chromium, in "
          f"{time.monotonic() - started - http_took:.1f} s; samples for {sorted(samples)}")
    assert not matrix.failures, "\n".join(matrix.failures)


def _own_role(spec: PageSpec, visitors: dict) -> str | None:
    preferred = {"admin": "staff", "risk": "staff", "vendor": "vendor_admin", "account": "customer"}.get(spec.area)
    order = ([preferred] if preferred else []) + list(ROLES)
    return next((r for r in order if _allowed(spec, visitors[r])), None)


def test_every_page_fits_a_phone(visitors, playwright_browser, web_base_url):
    """Each page, for a role of its own, on a 390 px wide screen: nothing wider than the screen."""
    phones, overflowing, checked = {}, [], 0
    try:
        for path, spec in sorted(PAGES.items()):
            url, real = _url(path, visitors["samples"])
            role = _own_role(spec, visitors["visitors"])
            if not real or role is None:
                continue
            if role not in phones:
                ctx = playwright_browser.new_context(base_url=web_base_url, viewport={"width": 390, "height": 844},
                                                     storage_state=visitors["visitors"][role].state)
                phones[role] = ctx.new_page()
            page = phones[role]
            page.goto(url)
            page.wait_for_load_state("load")
            width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            checked += 1
            if width > inner:
                overflowing.append(f"{url} as {role}: {width}px > {inner}px")
    finally:
        for page in phones.values():
            page.context.close()
    print(f"\nphone check: {checked} pages, {len(overflowing)} overflowing")
    assert not overflowing, "pages wider than a phone:\n" + "\n".join(overflowing)
