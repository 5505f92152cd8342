"""Feature flags and site settings (super admin only: a flag changes what every shopper and vendor gets).

Site settings: the marketplace has no settings store of its own. What an operator switches at run time are the
feature flags (audited by the backoffice service); everything else (reservation TTL, fees, return window) is
service configuration from the environment. The settings page says exactly that and shows the flags."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from apps.web.access import ADMIN, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render

router = APIRouter()


async def _flags(request: Request, viewer) -> list[dict]:
    listing = await request.app.state.api.get("/v1/admin/feature-flags", token=viewer.token)
    return sorted(listing["items"], key=lambda f: f["key"])


@page(router, "/admin/flags", title="Feature flags", roles=ADMIN, area="admin")
async def flags(request: Request, viewer: ViewerDep):
    return render(request, "admin/flags.html", {"flags": await _flags(request, viewer)})


@page(router, "/admin/flags/{key}", title="Flag history", roles=ADMIN, area="admin")
async def flag_history(request: Request, viewer: ViewerDep, key: str):
    api = request.app.state.api
    flag = await api.get(f"/v1/admin/feature-flags/{key}", token=viewer.token)
    audit = await api.get(f"/v1/admin/feature-flags/{key}/audit", token=viewer.token, params={"limit": 50})
    return render(request, "admin/flag_history.html", {"flag": flag, "audit": audit["items"]})


@action(router, "/admin/flags/{key}", roles=ADMIN)
async def change_flag(request: Request, viewer: ViewerDep, key: str, rollout_percent: Annotated[int, Form()] = 100,
                      enabled: Annotated[str, Form()] = ""):
    api = request.app.state.api
    try:
        # PUT replaces the whole flag: keep its variants and description as they are.
        current = await api.get(f"/v1/admin/feature-flags/{key}", token=viewer.token)
        after = await api.call("PUT", f"/v1/admin/feature-flags/{key}", token=viewer.token, json={
            "enabled": enabled == "on", "rolloutPercent": rollout_percent, "variants": current.get("variants") or {},
            "description": current.get("description") or ""})
    except ApiError as exc:
        return render(request, "admin/flags.html", {"flags": await _flags(request, viewer)}, status=exc.status,
                      error=exc.message)
    state = "on" if after["enabled"] else "off"
    return redirect("/admin/flags", notice=f"{key} is {state} ({after['rolloutPercent']} % of users).")


@page(router, "/admin/settings", title="Site settings", roles=ADMIN, area="admin")
async def settings(request: Request, viewer: ViewerDep):
    return render(request, "admin/settings.html", {"flags": await _flags(request, viewer)})
