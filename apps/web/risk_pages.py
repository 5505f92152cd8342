"""risk pages (placeholder landing page; the area's pages are built here)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from apps.web.access import RISK, ViewerDep, page
from apps.web.render import render

router = APIRouter()


@page(router, "/risk", title="Fraud queue", roles=RISK, area="risk")
async def landing(request: Request, viewer: ViewerDep):
    return render(request, "risk/landing.html", {})
