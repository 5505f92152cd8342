"""Templates and the small helpers every page uses: render with the viewer, CSRF token and navigation; redirect
after a form with a one-shot notice; money and dates shown the way a person reads them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from apps.web.access import ALL_ROLES, PAGES, nav_for

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
FLASH_COOKIE = "mkt_flash"
AREA_TITLES = {"shop": "Shop", "account": "My account", "vendor": "Vendor portal", "admin": "Back office",
               "risk": "Risk console"}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "BDT": "৳", "INR": "₹"}


def money(minor: Any, currency: str | None = "USD") -> str:
    """Integer minor units → '$12.34' (Decimal, never float)."""
    if minor is None or minor == "":
        return "—"
    if isinstance(minor, dict):
        minor, currency = minor.get("amountMinor"), minor.get("currency", currency)
    amount = (Decimal(int(minor)) / 100).quantize(Decimal("0.01"))
    symbol = CURRENCY_SYMBOLS.get((currency or "USD").upper())
    return f"{symbol}{amount:,}" if symbol else f"{amount:,} {currency}"


def when(value: Any) -> str:
    if not value:
        return "—"
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return dt.strftime("%d %b %Y %H:%M")


def pct(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters.update(money=money, when=when, pct=pct, urlq=lambda s: quote(str(s), safe=""))
templates.env.globals.update(AREA_TITLES=AREA_TITLES, PAGES=PAGES, ALL_ROLES=ALL_ROLES)


def csrf_token(request: Request) -> str:
    factory = request.scope.get("csrftoken")
    return factory() if callable(factory) else ""


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
           error: str | None = None) -> HTMLResponse:
    viewer = getattr(request.state, "viewer", None)
    areas: dict[str, list] = {}
    for spec in nav_for(viewer):
        areas.setdefault(spec.area, []).append(spec)
    notice = unquote(request.cookies.get(FLASH_COOKIE) or "") or None
    ctx = {"viewer": viewer, "csrf": csrf_token(request), "nav": areas, "error": error,
           "notice": notice, "path": request.url.path, **(context or {})}
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    if ctx["notice"]:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, notice: str | None = None) -> RedirectResponse:
    """303 after a successful form post (POST/redirect/GET), with a notice shown once on the next page."""
    response = RedirectResponse(url, status_code=303)
    if notice:
        # Percent-encoded: a cookie value is latin-1 and may not hold quotes, semicolons or “curly” punctuation.
        response.set_cookie(FLASH_COOKIE, quote(notice[:300], safe=""), max_age=60, path="/",
                            samesite="lax")
    return response
