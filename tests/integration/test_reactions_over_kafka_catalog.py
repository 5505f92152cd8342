"""Reactions to vendor, catalog and stock events, over the real broker: a vendor applies, is approved, edits its
profile, lists products (one approved, repriced and archived, one rejected), sets stock below its reorder point, and
is suspended and reinstated; another applicant is rejected. Everything goes through the public API with a client
that hands nothing over (tests/kafka_helpers.broker_only): each event crosses outbox → relay → Kafka → consumer,
and each declared reaction is proven by the consuming service's inbox row for this flow's event (it commits with
the handler's effect)."""
from __future__ import annotations

import pytest

from simulator.api import call, ok
from simulator.flows import approved_vendor, create_product, new_category, new_user, set_stock, tag
from tests.integration.reactions_bus import assert_reactions, bus, started  # noqa: F401 - bus is a fixture

VENDOR = ("vendor.applied", "vendor.approved", "vendor.updated", "vendor.rejected", "vendor.suspended",
          "vendor.reinstated")
PRODUCT = ("product.created", "product.approved", "product.updated", "product.price.updated", "product.archived",
           "product.rejected")
STOCK = ("inventory.adjusted", "inventory.low_stock")

pytestmark = pytest.mark.timeout(300)


@pytest.mark.reaction("auth", "vendor.approved", "vendor.suspended", "vendor.reinstated")
@pytest.mark.reaction("cart", *VENDOR, *PRODUCT)
@pytest.mark.reaction("catalog", *VENDOR)
@pytest.mark.reaction("inventory", "product.created", "product.updated")
@pytest.mark.reaction("notifications", *VENDOR, "inventory.low_stock")
@pytest.mark.reaction("orders", "vendor.approved", "vendor.suspended", "vendor.reinstated")
@pytest.mark.reaction("search", *VENDOR, *PRODUCT, *STOCK, "product.index.requested", "brand.created",
                      "category.created", "category.updated")
@pytest.mark.reaction("serving", "vendor.applied", "vendor.approved", "vendor.rejected", "vendor.suspended",
                      "vendor.reinstated", "product.created", "product.approved", "product.updated",
                      "product.archived", "product.rejected", *STOCK)
async def test_vendor_and_catalog_reactions_over_kafka(request, gateway, bus, admin_token):
    since = started()
    # approved_vendor without a nudge waits for the owner's token to carry vendorId: auth ← vendor.approved
    vendor = await approved_vendor(bus, admin_token)
    ok(await call(bus, "PATCH", f"/v1/vendors/{vendor['id']}", token=vendor["token"],
                  json={"description": "Edited after approval"}), 200)
    category = await new_category(bus, admin_token)
    ok(await call(bus, "PATCH", f"/v1/admin/categories/{category['id']}", token=admin_token,
                  json={"name": f"Renamed {tag()}"}), 200)
    brand = ok(await call(bus, "POST", "/v1/admin/brands", token=admin_token, json={"name": f"Brand {tag()}"}), 201)

    sku, other_sku = f"RX-{tag().upper()}", f"RX-{tag().upper()}"
    body = {"title": f"Kafka kettle {tag()}", "categoryIds": [category["id"]],
            "variants": [{"sku": sku, "priceMinor": 1_500, "currency": "USD"}]}
    # create_product retries while the catalog has not seen vendor.approved: catalog ← vendor.approved
    product = await create_product(bus, vendor, body)
    ok(await call(bus, "PATCH", f"/v1/admin/products/{product['id']}/approve", token=admin_token), 200)
    # set_stock waits for inventory to open the SKU: inventory ← product.created
    await set_stock(bus, vendor, sku, 2, reorder_point=5)
    path = f"/v1/vendors/{vendor['id']}/products/{product['id']}"
    ok(await call(bus, "PATCH", path, token=vendor["token"],
                  json={"title": f"Kafka kettle v2 {tag()}", "variants": [{"sku": sku, "priceMinor": 1_700}]}), 200)
    ok(await call(bus, "PATCH", path, token=vendor["token"], json={"status": "archived"}), 200)
    rejected = await create_product(bus, vendor, {**body, "title": f"Kafka kettle rejected {tag()}",
                                                  "variants": [{"sku": other_sku, "priceMinor": 900,
                                                                "currency": "USD"}]})
    ok(await call(bus, "PATCH", f"/v1/admin/products/{rejected['id']}/reject", token=admin_token,
                  json={"reason": "blurry photos"}), 200)

    status = f"/v1/admin/vendors/{vendor['id']}/status"
    ok(await call(bus, "PATCH", status, token=admin_token, json={"status": "suspended", "reason": "audit"}), 200)
    ok(await call(bus, "PATCH", status, token=admin_token, json={"status": "active"}), 200)
    applicant = await new_user(bus, "rx-applicant", "Vendor-pass-1", name="Applicant")
    other = ok(await call(bus, "POST", "/v1/vendors/apply", token=applicant["accessToken"],
                          json={"name": f"Shop {tag()}", "supportEmail": applicant["email"]}), 201)
    ok(await call(bus, "PATCH", f"/v1/admin/vendors/{other['id']}/status", token=admin_token,
                  json={"status": "rejected", "reason": "incomplete"}), 200)

    await assert_reactions(request, gateway, since, [vendor["id"], other["id"], product["id"], rejected["id"],
                                                    category["id"], brand["id"], sku, other_sku])
