"""Analytics v1 as plots (staff and super admin, as the analytics API allows): each chart loads on its own
(htmx, with a progress bar while the warehouse answers), so one slow metric never blocks the page."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from apps.web.access import STAFF, ViewerDep, page
from apps.web.admin_charts import CHARTS
from apps.web.api import ApiError
from apps.web.render import render

router = APIRouter()
Days = Annotated[int, Query(ge=1, le=3650)]
WINDOWS = (7, 30, 90, 365)


@page(router, "/admin/analytics", title="Analytics", roles=STAFF, area="admin")
async def analytics(request: Request, viewer: ViewerDep, days: Days = 30):
    return render(request, "admin/analytics.html", {"charts": CHARTS.values(), "days": days, "windows": WINDOWS})


@page(router, "/admin/analytics/{metric}", title="Analytics chart", roles=STAFF, area="admin")
async def chart(request: Request, viewer: ViewerDep, metric: str, days: Days = 30):
    spec = CHARTS.get(metric)
    if spec is None:
        return render(request, "admin/_chart.html", {"spec": None, "metric": metric}, status=404,
                      error=f"There is no chart {metric!r}.")
    try:
        answer = await request.app.state.api.get(f"/v1/admin/analytics/{metric}", token=viewer.token,
                                                 params={"days": days})
    except ApiError as exc:  # shown inside the chart's card, the rest of the page stays
        return render(request, "admin/_chart.html", {"spec": spec, "problem": exc.message})
    rows = answer["rows"]
    return render(request, "admin/_chart.html", {"spec": spec, "rows": rows,
                                                 "config": spec.build(rows) if rows else None,
                                                 "since": answer["since"], "until": answer["until"]})
