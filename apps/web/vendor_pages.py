"""vendor pages (placeholder landing page; the area's pages are built here)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from apps.web.access import VENDOR, ViewerDep, page
from apps.web.render import render

router = APIRouter()


@page(router, "/vendor", title="Dashboard", roles=VENDOR, area="vendor")
async def landing(request: Request, viewer: ViewerDep):
    return render(request, "vendor/landing.html", {})
