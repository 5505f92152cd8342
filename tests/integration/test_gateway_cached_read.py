"""The gateway answers catalog cache hits through the catalog's hook (kernel/cached_read.py) without entering the
catalog's app: a client must not be able to tell. Each public read is fetched through the hook and again with the
hook off (the local hop into the catalog's app), and the two answers compared: status, body, headers."""
from __future__ import annotations

import pytest

from tests.integration.catalog_helpers import active_vendor, approve, category_tree, create_product, product_body

# Set per request, or by the limiter's state: not part of what the catalog answered.
VARYING = {"x-request-id", "x-correlation-id", "x-ratelimit-remaining", "x-db-roundtrips"}


def shown(resp) -> tuple:
    headers = sorted((k, v) for k, v in resp.headers.multi_items() if k not in VARYING)
    return resp.status_code, resp.content, headers


@pytest.fixture
def hook_calls(gateway):
    public = gateway.state.public_route
    hook, calls = public.hooks["catalog"], []

    async def counted(*args):
        answer = await hook(*args)
        calls.append(answer is not None)
        return answer

    public.hooks["catalog"] = counted
    yield calls
    public.hooks["catalog"] = hook


async def test_hook_answers_equal_the_catalog_apps_answers(client, gateway, admin_token, hook_calls):
    cats = await category_tree(client, admin_token)
    vendor = await active_vendor(gateway)
    created = await create_product(client, vendor, product_body([cats["child"]["id"]]))
    await approve(client, admin_token, created["id"])
    first = await client.get(f"/v1/products/{created['slug']}")
    etag = first.headers["etag"]
    reads = [("/v1/products", {"vendor": vendor["id"]}, {}), (f"/v1/products/{created['slug']}", None, {}),
             (f"/v1/products/{created['slug']}", None, {"If-None-Match": etag}), ("/v1/categories", None, {}),
             ("/v1/products", {"perPage": "20", "page": "1"}, {"Origin": "http://localhost:3000"})]
    for path, params, headers in reads:
        await client.get(path, params=params, headers=headers)  # the app renders it once and remembers the request
        hook_calls.clear()
        via_hook = await client.get(path, params=params, headers=headers)
        assert hook_calls == [True], (path, params, headers)
        public = gateway.state.public_route
        hooks, public.hooks = public.hooks, {}
        try:
            via_app = await client.get(path, params=params, headers=headers)
        finally:
            public.hooks = hooks
        assert shown(via_hook) == shown(via_app), (path, params, headers)
        assert via_hook.headers["x-request-id"] and via_hook.headers["x-ratelimit-remaining"]
    assert (await client.get(f"/v1/products/{created['slug']}", headers={"If-None-Match": etag})).status_code == 304


async def test_requests_the_hook_does_not_know_reach_the_catalog_app(client, hook_calls):
    bad = await client.get("/v1/products", params={"perPage": "-3"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    again = await client.get("/v1/products", params={"perPage": "-3"})
    assert again.status_code == 422 and not any(hook_calls)  # a refused query is never remembered
    missing = await client.get("/v1/products/no-such-product-slug-xyz")
    assert missing.status_code == 404 and not any(hook_calls)
