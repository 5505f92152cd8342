"""The web faces of the marketplace (storefront, vendor portal, back office, risk console): server-rendered
pages (Jinja2 + htmx) that hold no business rules and reach the marketplace only through the public API."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import structlog
from asgi_csrf import asgi_csrf
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from apps.web import auth_pages, backoffice_pages, risk_pages, storefront_pages, vendor_pages
from apps.web import shop_cart_pages, shop_checkout_pages, shop_orders_pages, shop_payment_pages
from apps.web import (admin_analytics_pages, admin_approvals_pages, admin_flags_pages, admin_marketing_pages,
                     admin_orders_pages, admin_payouts_pages, admin_shipping_pages)
from apps.web.access import LoginRequired, RoleForbidden
from apps.web.api import Api, ApiError
from apps.web.config import WebSettings
from apps.web.render import render
from apps.web.session import clear_tokens, set_tokens
from kernel.auth import TokenVerifier
from kernel.logging import configure_logging
from kernel.metrics import metrics_router

STATIC_DIR = Path(__file__).resolve().parent / "static"
log = structlog.get_logger("web")


def _login_redirect(next_url: str) -> RedirectResponse:
    from urllib.parse import quote

    return RedirectResponse(f"/login?next={quote(next_url, safe='')}", status_code=303)


def create_app(settings: WebSettings | None = None, api_client: httpx.AsyncClient | None = None) -> FastAPI:
    """`api_client` is handed in by the composition root in one-process mode (an in-process client to the
    gateway); otherwise the pages call WEB_API_BASE_URL (or GATEWAY_URL) over HTTP."""
    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = api_client is None
        http = api_client or httpx.AsyncClient(base_url=settings.api_base_url or settings.gateway_url,
                                               timeout=settings.api_timeout_seconds)
        app.state.api = Api(http)

        async def load_jwks() -> dict:
            return await app.state.api.get("/v1/auth/jwks")

        app.state.token_verifier = TokenVerifier(load_jwks, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
        try:
            yield
        finally:
            if owned:
                await http.aclose()

    app = FastAPI(title="marketplace web", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (auth_pages, storefront_pages, vendor_pages, backoffice_pages, risk_pages,
                   shop_cart_pages, shop_checkout_pages, shop_payment_pages, shop_orders_pages,
                   admin_approvals_pages, admin_orders_pages, admin_payouts_pages, admin_flags_pages,
                   admin_marketing_pages, admin_shipping_pages, admin_analytics_pages):
        app.include_router(module.router)
    app.include_router(metrics_router())  # when the pages run as their own process (deploy/: the web workload)

    @app.middleware("http")
    async def token_cookies(request: Request, call_next: Any):
        response = await call_next(request)
        if getattr(request.state, "new_tokens", None):
            set_tokens(response, request.state.new_tokens, secure=settings.cookie_secure)
        elif getattr(request.state, "clear_tokens", False):
            clear_tokens(response)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        return _login_redirect(exc.next_url)

    @app.exception_handler(RoleForbidden)
    async def role_forbidden(request: Request, exc: RoleForbidden):
        return render(request, "error.html", {"title": "Not allowed"}, status=403,
                      error=f"Your account may not open “{exc.spec.title}”.")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        if exc.status == 401:
            response = _login_redirect(request.url.path)
            clear_tokens(response)
            return response
        return render(request, "error.html", {"title": exc.title}, status=exc.status, error=exc.message)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError):
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return render(request, "error.html", {"title": "Check the form"}, status=422, error=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return render(request, "error.html", {"title": "Not found" if exc.status_code == 404 else "Error"},
                      status=exc.status_code, error=str(exc.detail) if exc.status_code != 404 else
                      "There is no page at this address.")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("web.page_failed", path=request.url.path)
        return render(request, "error.html", {"title": "Something went wrong"}, status=500,
                      error="The page could not be shown. Please try again in a moment.")

    configure_logging(settings.log_level)
    return app


def asgi(app: FastAPI) -> Any:
    """The app wrapped in asgi-csrf's double-submit check: every non-GET form or htmx call must carry the
    `csrftoken` cookie's value (hidden field or X-CSRFToken header). Sign-in is protected too (login CSRF)."""
    settings: WebSettings = app.state.settings
    return asgi_csrf(app, signing_secret=settings.secret_key, always_protect={"/login", "/register", "/logout"},
                     cookie_secure=settings.cookie_secure)
