"""storefront pages (placeholder landing page; the area's pages are built here)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from apps.web.access import PUBLIC, ViewerDep, page
from apps.web.render import render

router = APIRouter()


@page(router, "/", title="Home", roles=PUBLIC, area="shop")
async def landing(request: Request, viewer: ViewerDep):
    return render(request, "shop/landing.html", {})
