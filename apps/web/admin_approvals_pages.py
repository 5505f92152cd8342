"""Approval queues (super admin): vendor applications with their KYC documents and bank accounts, and products
waiting for review. Approve or reject with a reason; the API decides what is allowed."""
from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request

from apps.web.access import ADMIN, ViewerDep, action, page
from apps.web.admin_common import paged, pages, vendor_names
from apps.web.api import ApiError
from apps.web.render import redirect, render

router = APIRouter()
# Each vendor card costs one more API call (its KYC documents and bank accounts): keep the page short.
VENDORS_PER_PAGE = 10
VendorStatus = Literal["pending", "active", "suspended", "rejected", ""]
ProductStatus = Literal["pending", "active", "rejected", "archived", "draft", ""]


async def _vendor_queue(request: Request, viewer, status: str, page_no: int) -> dict:
    api = request.app.state.api
    listing = await api.get("/v1/admin/vendors", token=viewer.token,
                            params={"status": status, "page": page_no, "perPage": VENDORS_PER_PAGE})

    async def full(v: dict) -> dict:
        try:  # the owner/admin view carries the KYC documents and masked bank accounts
            return await api.get(f"/v1/vendors/{v['id']}", token=viewer.token)
        except ApiError:
            return {**v, "kyc": [], "bankAccounts": []}

    vendors = await asyncio.gather(*(full(v) for v in listing["items"]))
    return {"vendors": vendors, "status": status,
            "paging": pages(listing["total"], page_no, VENDORS_PER_PAGE)}


@page(router, "/admin/vendors", title="Vendor approvals", roles=ADMIN, area="admin")
async def vendor_queue(request: Request, viewer: ViewerDep, status: VendorStatus = "pending", page: int = 1):
    return render(request, "admin/vendors.html", await _vendor_queue(request, viewer, status, max(page, 1)))


@action(router, "/admin/vendors/{vendor_id}/status", roles=ADMIN)
async def change_vendor_status(request: Request, viewer: ViewerDep, vendor_id: str,
                               status: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
                               commission_type: Annotated[str, Form()] = "",
                               commission_value: Annotated[str, Form()] = "",
                               back: Annotated[str, Form()] = "pending"):
    body: dict = {"status": status, "reason": reason.strip() or None}
    if commission_type and commission_value.strip():
        body.update(commissionType=commission_type, commissionValue=commission_value.strip())
    try:
        vendor = await request.app.state.api.patch(f"/v1/admin/vendors/{vendor_id}/status", token=viewer.token,
                                                   json=body)
    except ApiError as exc:
        ctx = await _vendor_queue(request, viewer, back if back in VendorStatus.__args__ else "pending", 1)
        return render(request, "admin/vendors.html", ctx, status=exc.status, error=exc.message)
    verb = {"active": "approved", "rejected": "rejected", "suspended": "suspended"}.get(status, status)
    return redirect(f"/admin/vendors?status={back}", notice=f"{vendor['name']} {verb}.")


async def _product_queue(request: Request, viewer, status: str, page_no: int) -> dict:
    api = request.app.state.api
    items, paging = await paged(api, viewer, "/v1/admin/products", page_no, status=status)
    names = await vendor_names(api, viewer, {p["vendorId"] for p in items})
    categories = {c["id"]: c["name"] for c in (await api.get("/v1/categories")).get("items", [])}
    return {"products": items, "vendors": names, "categories": categories, "status": status, "paging": paging}


@page(router, "/admin/products", title="Product approvals", roles=ADMIN, area="admin")
async def product_queue(request: Request, viewer: ViewerDep, status: ProductStatus = "pending", page: int = 1):
    return render(request, "admin/products.html", await _product_queue(request, viewer, status, max(page, 1)))


@action(router, "/admin/products/{product_id}/review", roles=ADMIN)
async def review_product(request: Request, viewer: ViewerDep, product_id: str,
                         decision: Annotated[Literal["approve", "reject"], Form()],
                         reason: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "pending"):
    api = request.app.state.api
    try:
        if decision == "approve":
            product = await api.patch(f"/v1/admin/products/{product_id}/approve", token=viewer.token)
        else:
            product = await api.patch(f"/v1/admin/products/{product_id}/reject", token=viewer.token,
                                      json={"reason": reason.strip() or None})
    except ApiError as exc:
        ctx = await _product_queue(request, viewer, back if back in ProductStatus.__args__ else "pending", 1)
        return render(request, "admin/products.html", ctx, status=exc.status, error=exc.message)
    return redirect(f"/admin/products?status={back}",
                    notice=f"“{product['title']}” {'approved' if decision == 'approve' else 'rejected'}.")
