"""backoffice pages (placeholder landing page; the area's pages are built here)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from apps.web.access import STAFF, ViewerDep, page
from apps.web.render import render

router = APIRouter()


@page(router, "/admin", title="Dashboard", roles=STAFF, area="admin")
async def landing(request: Request, viewer: ViewerDep):
    return render(request, "admin/landing.html", {})
