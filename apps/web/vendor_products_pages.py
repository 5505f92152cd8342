"""Vendor portal: products — the list with each one's approval state, the submit form (variants and images) and
one product's page (add images). Prices are typed as 12.50 and sent in minor units."""
from __future__ import annotations

import re

from fastapi import APIRouter, Request
from starlette.datastructures import FormData, UploadFile

from apps.web.access import VENDOR, ViewerDep, action, page
from apps.web.api import ApiError
from apps.web.render import redirect, render
from apps.web.vendor_common import VendorCall, minor_units, vendor_call

router = APIRouter()
VARIANT_ROWS = 4
STATUSES = ("pending", "active", "draft", "archived")


@page(router, "/vendor/products", title="Products", roles=VENDOR, area="vendor")
async def products(request: Request, viewer: ViewerDep, status: str = "", page: int = 1):
    vc = await vendor_call(request, viewer)
    listing = await vc.get("/products", params={"status": status if status in STATUSES else None,
                                                "page": max(1, min(page, 10_000)), "perPage": 20})
    return render(request, "vendor/products.html", {"listing": listing, "status": status, "statuses": STATUSES})


async def _categories(request: Request) -> list[dict]:
    try:
        return (await request.app.state.api.get("/v1/categories"))["items"]
    except ApiError:
        return []


async def _form_page(request: Request, *, form: dict | None = None, status: int = 200, error: str | None = None):
    return render(request, "vendor/product_new.html", {"categories": await _categories(request), "form": form or {},
                                                       "rows": range(VARIANT_ROWS)}, status=status, error=error)


@page(router, "/vendor/products/new", title="Submit a product", roles=VENDOR, area="vendor")
async def new_product(request: Request, viewer: ViewerDep):
    await vendor_call(request, viewer)  # a vendor_admin without an active vendor learns it here, not on submit
    return await _form_page(request)


def product_body(form: FormData) -> dict:
    """The API's product body from the form: one option (e.g. Size) whose value names each variant row."""
    option = str(form.get("option_name") or "").strip()
    variants, values = [], []
    for i in range(VARIANT_ROWS):
        sku = str(form.get(f"sku_{i}") or "").strip()
        if not sku:
            continue
        value = str(form.get(f"value_{i}") or "").strip()
        variant = {"sku": sku, "priceMinor": minor_units(str(form.get(f"price_{i}") or ""), f"Price of {sku}"),
                   "currency": str(form.get("currency") or "USD")}
        compare = str(form.get(f"compare_{i}") or "").strip()
        if compare:
            variant["compareAtPriceMinor"] = minor_units(compare, f"Compare-at price of {sku}")
        if option and value:
            variant["optionValues"] = {option: value}
            values.append(value)
        variants.append(variant)
    if not variants:
        raise ApiError(422, "Check the form", "Add at least one variant with a SKU and a price.")
    body = {"title": str(form.get("title") or ""), "description": str(form.get("description") or ""),
            "categoryIds": [c for c in form.getlist("category_ids") if c], "variants": variants}
    if option and values:
        body["options"] = [{"name": option, "values": list(dict.fromkeys(values))}]
    return body


def _files(form: FormData) -> list[UploadFile]:
    return [f for f in form.getlist("images") if isinstance(f, UploadFile) and f.filename]


async def upload_images(vc: VendorCall, product_id: str, files: list[UploadFile]) -> list[str]:
    """Upload each image; returns the problems (one line per refused file) rather than stopping at the first."""
    problems = []
    for f in files:
        data = await f.read()
        try:
            await vc.post(f"/products/{product_id}/images",
                          files={"file": (f.filename, data, f.content_type or "application/octet-stream")})
        except ApiError as exc:
            problems.append(f"{f.filename}: {exc.message}")
    return problems


@action(router, "/vendor/products/new", roles=VENDOR)
async def submit_product(request: Request, viewer: ViewerDep):
    vc = await vendor_call(request, viewer)
    form = await request.form()
    shown = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    shown["category_ids"] = form.getlist("category_ids")
    try:
        created = await vc.post("/products", json=product_body(form))
    except ApiError as exc:
        return await _form_page(request, form=shown, status=exc.status, error=exc.message)
    problems = await upload_images(vc, created["id"], _files(form))
    notice = f"“{created['title']}” was submitted for review."
    if problems:
        notice += " Some images were refused: " + "; ".join(problems)
    return redirect(f"/vendor/products/{created['id']}", notice=notice)


@page(router, "/vendor/products/{product_id}", title="Product", roles=VENDOR, area="vendor")
async def product(request: Request, viewer: ViewerDep, product_id: str):
    vc = await vendor_call(request, viewer)
    if not re.fullmatch(r"[0-9a-fA-F-]{36}", product_id):
        raise ApiError(404, "Not found", "There is no such product.")
    item = await vc.get(f"/products/{product_id}")
    return render(request, "vendor/product.html", {"product": item})


@action(router, "/vendor/products/{product_id}/images", roles=VENDOR)
async def add_images(request: Request, viewer: ViewerDep, product_id: str):
    vc = await vendor_call(request, viewer)
    form = await request.form()
    files = _files(form)
    if not files:
        return redirect(f"/vendor/products/{product_id}", notice="Choose at least one image.")
    problems = await upload_images(vc, product_id, files)
    if problems:
        item = await vc.get(f"/products/{product_id}")
        return render(request, "vendor/product.html", {"product": item}, status=422, error="; ".join(problems))
    return redirect(f"/vendor/products/{product_id}", notice=f"{len(files)} image(s) added.")
