"""Coupons and notification templates (super admin): list, create, switch on and off, edit wording."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request

from apps.web.access import ADMIN, ViewerDep, action, page
from apps.web.admin_common import paged, to_minor
from apps.web.api import ApiError
from apps.web.render import redirect, render

router = APIRouter()


async def _coupons(request: Request, viewer, page_no: int) -> dict:
    items, paging = await paged(request.app.state.api, viewer, "/v1/admin/coupons", page_no)
    return {"coupons": items, "paging": paging}


@page(router, "/admin/coupons", title="Coupons", roles=ADMIN, area="admin")
async def coupons(request: Request, viewer: ViewerDep, page: int = 1):
    return render(request, "admin/coupons.html", await _coupons(request, viewer, max(page, 1)))


def _coupon_body(form: dict[str, str]) -> tuple[dict, str | None]:
    """The form (amounts as a person types them) → the API body in minor units; a sentence when it cannot be."""
    body: dict = {"code": form["code"], "type": form["type"], "startsAt": form["starts_at"],
                  "endsAt": form["ends_at"], "currency": form["currency"] or None}
    if form["type"] == "percent":
        if not form["value"].strip().isdigit():
            return body, "A percent coupon's value is a whole number from 1 to 100."
        body["value"] = int(form["value"])
    else:
        body["value"] = to_minor(form["value"])
        if body["value"] is None:
            return body, "A fixed coupon's value is an amount such as 5.00."
    for field, key in (("min_order", "minOrderMinor"), ("max_discount", "maxDiscountMinor")):
        if form[field].strip():
            body[key] = to_minor(form[field])
            if body[key] is None:
                return body, f"{field.replace('_', ' ').capitalize()} must be an amount such as 20.00."
    for field, key in (("usage_limit", "usageLimit"), ("per_user_limit", "perUserLimit")):
        if form[field].strip():
            if not form[field].strip().isdigit():
                return body, f"{field.replace('_', ' ').capitalize()} must be a whole number."
            body[key] = int(form[field])
    return body, None


@action(router, "/admin/coupons", roles=ADMIN)
async def create_coupon(request: Request, viewer: ViewerDep, code: Annotated[str, Form()],
                        type: Annotated[Literal["percent", "fixed"], Form()],  # noqa: A002 - the API's name
                        value: Annotated[str, Form()], starts_at: Annotated[str, Form()],
                        ends_at: Annotated[str, Form()], currency: Annotated[str, Form()] = "",
                        min_order: Annotated[str, Form()] = "", max_discount: Annotated[str, Form()] = "",
                        usage_limit: Annotated[str, Form()] = "", per_user_limit: Annotated[str, Form()] = ""):
    form = dict(code=code, type=type, value=value, starts_at=starts_at, ends_at=ends_at, currency=currency,
                min_order=min_order, max_discount=max_discount, usage_limit=usage_limit,
                per_user_limit=per_user_limit)
    body, problem = _coupon_body(form)
    try:
        if problem:
            raise ApiError(422, "Check the form", problem)
        made = await request.app.state.api.post("/v1/admin/coupons", token=viewer.token, json=body)
    except ApiError as exc:
        ctx = await _coupons(request, viewer, 1)
        return render(request, "admin/coupons.html", {**ctx, "form": form}, status=exc.status, error=exc.message)
    return redirect("/admin/coupons", notice=f"Coupon {made['code']} created.")


@action(router, "/admin/coupons/{coupon_id}/active", roles=ADMIN)
async def toggle_coupon(request: Request, viewer: ViewerDep, coupon_id: str, active: Annotated[str, Form()]):
    try:
        made = await request.app.state.api.patch(f"/v1/admin/coupons/{coupon_id}", token=viewer.token,
                                                 json={"active": active == "true"})
    except ApiError as exc:
        return render(request, "admin/coupons.html", await _coupons(request, viewer, 1), status=exc.status,
                      error=exc.message)
    return redirect("/admin/coupons", notice=f"Coupon {made['code']} {'enabled' if made['active'] else 'disabled'}.")


async def _templates(request: Request, viewer) -> list[dict]:
    listing = await request.app.state.api.get("/v1/admin/templates", token=viewer.token)
    return sorted(listing["items"], key=lambda t: t["key"])


@page(router, "/admin/templates", title="Notification templates", roles=ADMIN, area="admin")
async def templates(request: Request, viewer: ViewerDep):
    return render(request, "admin/templates.html", {"templates": await _templates(request, viewer)})


@action(router, "/admin/templates", roles=ADMIN)
async def save_template(request: Request, viewer: ViewerDep, body: Annotated[str, Form()],
                        key: Annotated[str, Form()] = "", template_id: Annotated[str, Form()] = "",
                        subject: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "",
                        is_active: Annotated[str, Form()] = ""):
    api = request.app.state.api
    values = {"subject": subject.strip() or None, "body": body, "description": description.strip() or None,
              "isActive": is_active == "on"}
    try:
        if template_id:
            saved = await api.patch(f"/v1/admin/templates/{template_id}", token=viewer.token, json=values)
        else:
            saved = await api.post("/v1/admin/templates", token=viewer.token,
                                   json={"key": key.strip(), "channel": "email", **values})
    except ApiError as exc:
        form = {"key": key, "subject": subject, "body": body, "description": description, "id": template_id}
        return render(request, "admin/templates.html", {"templates": await _templates(request, viewer),
                                                        "form": form}, status=exc.status, error=exc.message)
    return redirect("/admin/templates", notice=f"Template {saved['key']} saved.")
