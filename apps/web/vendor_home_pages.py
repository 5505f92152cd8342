"""Vendor portal: the dashboard and onboarding (apply, KYC documents, bank account)."""
from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile

from apps.web import session
from apps.web.access import VENDOR, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.vendor_common import vendor_id_of

router = APIRouter()
SIGNED_IN = ("customer", "vendor_admin", "staff", "super_admin")
KYC_TYPES = (("business_registration", "Business registration"), ("tax_certificate", "Tax certificate"),
             ("owner_id", "Owner's ID document"), ("bank_statement", "Bank statement"))


async def _quiet(call, default=None):
    """A dashboard card whose API is down shows “—” instead of failing the whole page."""
    try:
        return await call
    except ApiError:
        return default


@page(router, "/vendor", title="Dashboard", roles=VENDOR, area="vendor")
async def dashboard(request: Request, viewer: ViewerDep):
    vid = await vendor_id_of(request, viewer)
    api, token = request.app.state.api, request.state.viewer.token
    vendor, low, to_ship, earnings, products = await asyncio.gather(
        api.get(f"/v1/vendors/{vid}", token=token),
        _quiet(api.get(f"/v1/vendors/{vid}/inventory", token=token, params={"lowStock": "true", "perPage": 1})),
        _quiet(api.get(f"/v1/vendors/{vid}/orders", token=token, params={"status": "processing", "perPage": 1})),
        _quiet(api.get(f"/v1/vendors/{vid}/earnings", token=token, params={"perPage": 1})),
        _quiet(api.get(f"/v1/vendors/{vid}/products", token=token, params={"status": "pending", "perPage": 1})))
    return render(request, "vendor/dashboard.html", {"vendor": vendor, "low": low, "to_ship": to_ship,
                                                      "earnings": earnings, "pending_products": products})


# ---- onboarding -------------------------------------------------------------------------------------------------

async def _my_application(request: Request, token: str) -> dict | None:
    try:
        return await request.app.state.api.get("/v1/vendors/mine", token=token)
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise


async def _apply_page(request: Request, viewer, *, status: int = 200, error: str | None = None, form=None):
    application = await _my_application(request, viewer.token)
    if application and application["status"] == "active" and not viewer.vendor_id:
        # Approved since this token was minted: a fresh token carries vendorId and the vendor_admin role.
        viewer = await session.refresh(request) or viewer
    return render(request, "vendor/apply.html", {"application": application, "kyc_types": KYC_TYPES,
                                                 "form": form or {}, "is_vendor": bool(viewer.vendor_id)},
                  status=status, error=error)


@page(router, "/vendor/apply", title="Become a vendor", roles=SIGNED_IN, area="vendor")
async def apply_page(request: Request, viewer: ViewerDep):
    return await _apply_page(request, viewer)


@action(router, "/vendor/apply", roles=SIGNED_IN)
async def apply(request: Request, viewer: ViewerDep, name: Annotated[str, Form()],
                support_email: Annotated[str, Form()], support_phone: Annotated[str, Form()] = ""):
    body = {"name": name, "supportEmail": support_email, "supportPhone": support_phone.strip() or None}
    try:
        await request.app.state.api.post("/v1/vendors/apply", token=viewer.token, json=body)
    except ApiError as exc:
        return await _apply_page(request, viewer, status=exc.status, error=exc.message, form=body)
    return redirect("/vendor/apply", notice="Application sent. Add your KYC documents and a bank account below.")


async def _application_id(request: Request, viewer) -> str:
    # The applicant's own vendor, looked up by who they are: never an id from the form.
    application = await _my_application(request, viewer.token)
    if application is None:
        raise ApiError(404, "No application", "Apply first: this account has no vendor application.")
    return application["id"]


@action(router, "/vendor/apply/kyc", roles=SIGNED_IN)
async def upload_kyc(request: Request, viewer: ViewerDep, doc_type: Annotated[str, Form()],
                     document: Annotated[UploadFile, File()]):
    vid = await _application_id(request, viewer)
    data = await document.read()
    files = {"file": (document.filename or "document", data, document.content_type or "application/octet-stream")}
    try:
        await request.app.state.api.post(f"/v1/vendors/{vid}/kyc/upload", token=viewer.token,
                                         data={"docType": doc_type}, files=files)
    except ApiError as exc:
        return await _apply_page(request, viewer, status=exc.status, error=exc.message)
    return redirect("/vendor/apply", notice="Document uploaded; an admin will check it.")


@action(router, "/vendor/apply/bank", roles=SIGNED_IN)
async def add_bank(request: Request, viewer: ViewerDep, account_holder: Annotated[str, Form()],
                   bank_name: Annotated[str, Form()], country: Annotated[str, Form()],
                   account_number: Annotated[str, Form()]):
    vid = await _application_id(request, viewer)
    number = account_number.strip()
    # An IBAN starts with a two-letter country code; anything else is a domestic account number.
    key = "iban" if number[:2].isalpha() else "accountNo"
    body = {"accountHolder": account_holder, "bankName": bank_name, "country": country.strip().upper(), key: number}
    try:
        await request.app.state.api.post(f"/v1/vendors/{vid}/bank", token=viewer.token, json=body)
    except ApiError as exc:
        return await _apply_page(request, viewer, status=exc.status, error=exc.message)
    return redirect("/vendor/apply", notice="Bank account added.")
