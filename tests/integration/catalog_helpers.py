"""Helpers for the catalog product tests: vendors (minted or through the real onboarding), categories, bodies."""
from __future__ import annotations

import asyncio
import io
import time
import uuid

from PIL import Image
from sqlalchemy import select

from apps.catalog import consumers
from kernel.consumer import Event
from kernel.events import Envelope
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tag() -> str:
    return uuid.uuid4().hex[:10]


def png_bytes(width: int = 6, height: int = 4, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


def catalog_app(gateway):
    return gateway.state.services["catalog"]


async def project_vendor(gateway, vendor_id: str, status: str, *, event_type: str = "vendor.approved",
                         slug: str | None = None) -> None:
    """Feed one vendor event straight to the catalog's consumer handler (what Kafka delivery would do)."""
    app = catalog_app(gateway)
    now = Envelope(type=event_type, data={}).occurred_at.isoformat()
    env = Envelope(type=event_type, data={"vendorId": vendor_id, "ownerUserId": new_id_str(),
                                          "name": f"Shop {vendor_id[-6:]}", "slug": slug or f"shop-{vendor_id[-12:]}",
                                          "status": status, "previousStatus": "pending", "changedAt": now})
    async with UnitOfWork(app.state.db.sessions, app.state.outbox) as uow:
        await consumers.on_vendor_status(uow=uow, event=Event.read(env))  # validated as the consumer's edge does
        await uow.commit()


def mint_vendor_token(gateway, vendor_id: str) -> str:
    issuer = gateway.state.services["auth"].state.issuer
    return issuer.access_token(user_id=new_id_str(), roles=["vendor_admin"], vendor_id=vendor_id)


async def active_vendor(gateway) -> dict:
    vendor_id = new_id_str()
    slug = f"shop-{vendor_id[-12:]}"
    await project_vendor(gateway, vendor_id, "active", slug=slug)
    return {"id": vendor_id, "slug": slug, "token": mint_vendor_token(gateway, vendor_id)}


async def outbox_data(gateway, *, key: str, event_type: str) -> list[dict]:
    app = catalog_app(gateway)
    table = app.state.outbox
    async with app.state.db.sessions() as session:
        rows = await session.execute(select(table.c.payload).where(table.c.key == key,
                                                                   table.c.event_type == event_type)
                                     .order_by(table.c.seq))
        return [r.payload["data"] for r in rows]


async def category_tree(client, admin_token: str) -> dict:
    """parent ⊃ child, plus an unrelated category."""
    t = tag()
    made = {}
    for name, parent in (("parent", None), ("child", "parent"), ("other", None)):
        body = {"name": f"{name} {t}", "parentId": made[parent]["id"] if parent else None}
        resp = await client.post("/v1/admin/categories", json=body, headers=bearer(admin_token))
        assert resp.status_code == 201, resp.text
        made[name] = resp.json()
    return made


async def new_brand(client, admin_token: str) -> dict:
    resp = await client.post("/v1/admin/brands", json={"name": f"Brand {tag()}"}, headers=bearer(admin_token))
    assert resp.status_code == 201, resp.text
    return resp.json()


def product_body(category_ids: list[str], *, prices: tuple[int, ...] = (1000,), title: str | None = None,
                 brand_id: str | None = None, **extra) -> dict:
    t = tag()
    variants = [{"sku": f"SKU-{t}-{i}", "optionValues": {"size": f"s{i}"}, "priceMinor": p, "currency": "USD",
                 "weightGrams": 250} for i, p in enumerate(prices)]
    return {"title": title or f"Linen shirt {t}", "description": "Breathable.", "categoryIds": category_ids,
            "brandId": brand_id, "attributes": {"material": "linen", "fit": ["regular"]},
            "options": [{"name": "size", "values": [f"s{i}" for i in range(len(prices))]}],
            "variants": variants, "seoTitle": "Linen shirt", **extra}


async def create_product(client, vendor: dict, body: dict) -> dict:
    resp = await client.post(f"/v1/vendors/{vendor['id']}/products", json=body, headers=bearer(vendor["token"]))
    assert resp.status_code == 201, resp.text
    return resp.json()


async def approve(client, admin_token: str, product_id: str) -> dict:
    resp = await client.patch(f"/v1/admin/products/{product_id}/approve", headers=bearer(admin_token))
    assert resp.status_code == 200, resp.text
    return resp.json()


async def poll(fetch, until, timeout: float = 20.0, interval: float = 0.3):
    """Call `fetch` until `until(result)` holds (events cross Kafka asynchronously); returns the last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = await fetch()
        if until(result) or time.monotonic() > deadline:
            return result
        await asyncio.sleep(interval)
