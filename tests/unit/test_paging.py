"""kernel.paging: `?page=&perPage=` with bounds, and the `{items, total, page, perPage}` body every list shares."""
from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from kernel.api_model import ApiModel
from kernel.paging import Page, Paging, PagingDep, paging_query


class _Item(ApiModel):
    item_id: str


class _ItemPage(Page[_Item]):
    pass


def _app() -> FastAPI:
    app = FastAPI()
    wide = paging_query(max_page=100_000, max_per_page=200, default_per_page=50)

    @app.get("/default")
    async def default(paging: PagingDep) -> dict:
        return {"page": paging.page, "perPage": paging.per_page, "offset": paging.offset}

    @app.get("/wide")
    async def wide_route(paging: Paging = Depends(wide)) -> dict:
        return {"page": paging.page, "perPage": paging.per_page}

    @app.get("/items", response_model=_ItemPage)
    async def items(paging: PagingDep) -> _ItemPage:
        return _ItemPage.of([_Item(item_id="a")], 41, paging)

    return app


@pytest.fixture(scope="module")
def http() -> TestClient:
    return TestClient(_app())


def test_defaults_and_offset(http):
    assert http.get("/default").json() == {"page": 1, "perPage": 20, "offset": 0}
    assert http.get("/default", params={"page": 3, "perPage": 7}).json() == {"page": 3, "perPage": 7, "offset": 14}
    assert http.get("/wide").json() == {"page": 1, "perPage": 50}


@pytest.mark.parametrize(("path", "params"), [
    ("/default", {"page": 0}), ("/default", {"page": 10_001}), ("/default", {"perPage": 0}),
    ("/default", {"perPage": 101}), ("/default", {"page": "x"}), ("/wide", {"perPage": 201}),
    ("/wide", {"page": 100_001}),
])
def test_out_of_bounds_is_422(http, path, params):
    assert http.get(path, params=params).status_code == 422


def test_per_route_bounds_hold(http):
    assert http.get("/wide", params={"perPage": 200, "page": 100_000}).json() == {"page": 100_000, "perPage": 200}


def test_page_body_is_camel_case(http):
    body = http.get("/items", params={"page": 2, "perPage": 1}).json()
    assert body == {"items": [{"itemId": "a"}], "total": 41, "page": 2, "perPage": 1}


def test_openapi_names_the_subclass_and_its_fields():
    spec = _app().openapi()
    schema = spec["components"]["schemas"]["_ItemPage"]
    assert set(schema["properties"]) == {"items", "total", "page", "perPage"}
    assert set(schema["required"]) == {"items", "total", "page", "perPage"}
    params = {p["name"]: p["schema"] for p in spec["paths"]["/wide"]["get"]["parameters"]}
    assert params["perPage"]["maximum"] == 200 and params["page"]["maximum"] == 100_000

