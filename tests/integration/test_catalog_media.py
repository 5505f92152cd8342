"""Product image upload through the gateway: content-checked, size- and count-limited, served byte-identical."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from kernel.storage import LocalDirStorage
from tests.integration.catalog_helpers import (active_vendor, bearer, catalog_app, category_tree, create_product,
                                               png_bytes, product_body)


@pytest.fixture
async def owned(client, gateway, admin_token) -> dict:
    cats = await category_tree(client, admin_token)
    vendor = await active_vendor(gateway)
    product = await create_product(client, vendor, product_body([cats["child"]["id"]]))
    return {"vendor": vendor, "product": product,
            "url": f"/v1/vendors/{vendor['id']}/products/{product['id']}/images"}


async def _upload(client, owned: dict, data: bytes, name: str = "photo.png", ctype: str = "image/png"):
    return await client.post(owned["url"], files={"file": (name, data, ctype)},
                             headers=bearer(owned["vendor"]["token"]))


async def test_png_upload_is_served_byte_identical(client, owned):
    data = png_bytes(7, 3)
    resp = await _upload(client, owned, data)
    assert resp.status_code == 201, resp.text
    image = resp.json()
    assert image["id"] and (image["width"], image["height"]) == (7, 3)
    served = await client.get(urlsplit(image["url"]).path)
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"] == "image/png"
    product = await client.get(f"/v1/vendors/{owned['vendor']['id']}/products/{owned['product']['id']}",
                               headers=bearer(owned["vendor"]["token"]))
    assert [i["id"] for i in product.json()["images"]] == [image["id"]]

    removed = await client.delete(f"{owned['url']}/{image['id']}", headers=bearer(owned["vendor"]["token"]))
    assert removed.status_code == 204
    assert (await client.get(urlsplit(image["url"]).path)).status_code == 404


async def test_non_images_and_oversized_uploads_are_refused(client, gateway, owned):
    text = await _upload(client, owned, b"hello, I am text pretending to be a PNG\n" * 10)
    assert text.status_code == 415 and text.headers["content-type"].startswith("application/problem+json")
    empty = await _upload(client, owned, b"")
    assert empty.status_code in (415, 422)
    limit = catalog_app(gateway).state.settings.max_image_bytes
    big = await _upload(client, owned, png_bytes() + b"\0" * limit)  # over the image limit, under the body limit
    assert big.status_code == 413 and big.headers["content-type"].startswith("application/problem+json")
    huge = await _upload(client, owned, b"\0" * (7 * 1024 * 1024))  # over the request body limit
    assert huge.status_code == 413
    missing = await client.post(owned["url"], files={"other": ("x.png", png_bytes(), "image/png")},
                                headers=bearer(owned["vendor"]["token"]))
    assert missing.status_code == 422


async def test_image_count_is_limited(client, gateway, owned):
    limit = catalog_app(gateway).state.settings.max_images_per_product
    for i in range(limit):
        resp = await _upload(client, owned, png_bytes(2 + i, 2))
        assert resp.status_code == 201, resp.text
    over = await _upload(client, owned, png_bytes(40, 40))
    assert over.status_code == 409 and over.headers["content-type"].startswith("application/problem+json")


async def test_only_the_owner_uploads(client, gateway, owned):
    other = await active_vendor(gateway)
    via_their_path = await client.post(
        f"/v1/vendors/{other['id']}/products/{owned['product']['id']}/images",
        files={"file": ("a.png", png_bytes(), "image/png")}, headers=bearer(other["token"]))
    assert via_their_path.status_code == 404
    via_owner_path = await client.post(owned["url"], files={"file": ("a.png", png_bytes(), "image/png")},
                                       headers=bearer(other["token"]))
    assert via_owner_path.status_code == 403
    assert (await client.get("/v1/media/products/..%2F..%2Fetc%2Fpasswd")).status_code == 404
    assert (await client.get("/v1/media/no/such/object.png")).status_code == 404


async def test_local_dir_storage_round_trip(tmp_path):
    storage = LocalDirStorage(tmp_path, "http://cdn.test/media/")
    url = await storage.put("products/p1/i1.png", b"\x89PNG bytes", "image/png")
    assert url == "http://cdn.test/media/products/p1/i1.png"
    obj = await storage.get("products/p1/i1.png")
    assert obj is not None and obj.data == b"\x89PNG bytes" and obj.content_type == "image/png"
    assert await storage.get("../outside.png") is None
    await storage.delete("products/p1/i1.png")
    assert await storage.get("products/p1/i1.png") is None
    assert not list(tmp_path.rglob(".*.tmp"))  # the atomic-write temp file never stays behind
