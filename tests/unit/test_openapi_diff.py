"""kernel.openapi_diff on small hand-made documents: each kind of break is found, additive changes pass."""
from __future__ import annotations

import copy

import pytest

from kernel.openapi_diff import breaking_changes


def _doc() -> dict:
    """One service: GET /items/{id} returning an Item, POST /items taking a NewItem."""
    return {
        "openapi": "3.1.0",
        "paths": {
            "/items/{id}": {"get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                               {"name": "fields", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}},
                    "404": {"content": {"application/problem+json": {"schema": {}}}}}}},
            "/items": {"post": {
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/NewItem"}}}},
                "responses": {"201": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}}}}},
        },
        "components": {"schemas": {
            "Item": {"type": "object", "required": ["id", "price", "status", "tags"], "properties": {
                "id": {"type": "string"},
                "price": {"type": "number"},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "status": {"type": "string", "enum": ["draft", "live"]},
                "tags": {"type": "array", "items": {"type": "object", "required": ["name"],
                                                   "properties": {"name": {"type": "string"}}}},
            }},
            "NewItem": {"type": "object", "required": ["title"], "properties": {
                "title": {"type": "string"},
                "price": {"type": "number"},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "colour": {"type": "string"},
            }},
        }},
    }


def _changed(edit) -> list[str]:
    new = copy.deepcopy(_doc())
    edit(new)
    return breaking_changes(_doc(), new)


ITEM = lambda d: d["components"]["schemas"]["Item"]  # noqa: E731
NEW_ITEM = lambda d: d["components"]["schemas"]["NewItem"]  # noqa: E731
GET = lambda d: d["paths"]["/items/{id}"]["get"]  # noqa: E731


def test_the_same_document_has_no_breaks():
    assert breaking_changes(_doc(), _doc()) == []


BREAKS = {
    "removed path": (lambda d: d["paths"].pop("/items"), "POST /items: operation removed"),
    "removed method": (lambda d: d["paths"]["/items/{id}"].update(put=d["paths"]["/items/{id}"].pop("get")),
                       "GET /items/{id}: operation removed"),
    "removed success status": (lambda d: GET(d)["responses"].update({"201": GET(d)["responses"].pop("200")}),
                               "response 200: no longer documented"),
    "removed response field": (lambda d: ITEM(d)["properties"].pop("price"), "response 200.price: field removed"),
    "removed nested response field": (lambda d: ITEM(d)["properties"]["tags"]["items"]["properties"].pop("name"),
                                      "response 200.tags[].name: field removed"),
    "response field made optional": (lambda d: ITEM(d)["required"].remove("price"),
                                     "response 200.price: no longer always present"),
    "number -> integer in a response": (lambda d: ITEM(d)["properties"]["price"].update(type="integer"),
                                        "response 200.price: type changed (number -> integer)"),
    "nullable -> non-nullable in a response": (
        lambda d: ITEM(d)["properties"].update(note={"type": "string"}),
        "response 200.note: type changed (null|string -> string)"),
    "string -> enum in a response": (lambda d: ITEM(d)["properties"]["id"].update(enum=["x"]),
                                     "response 200.id: became an enum ['x']"),
    "removed enum value in a response": (lambda d: ITEM(d)["properties"]["status"].update(enum=["live"]),
                                         "response 200.status: enum values removed ['draft']"),
    "removed enum value in a request": (lambda d: NEW_ITEM(d)["properties"]["kind"].update(enum=["a"]),
                                        "request body.kind: enum values removed ['b']"),
    "number -> integer in a request": (lambda d: NEW_ITEM(d)["properties"]["price"].update(type="integer"),
                                       "request body.price: type narrowed (number -> integer)"),
    "nullable -> non-nullable in a request": (lambda d: NEW_ITEM(d)["properties"].update(note={"type": "string"}),
                                              "request body.note: type narrowed (null|string -> string)"),
    "string -> enum in a request": (lambda d: NEW_ITEM(d)["properties"]["colour"].update(enum=["red"]),
                                    "request body.colour: became an enum ['red']"),
    "optional -> required in a request": (lambda d: NEW_ITEM(d)["required"].append("price"),
                                          "request body.price: became required"),
    "new required request field": (
        lambda d: (NEW_ITEM(d)["properties"].update(sku={"type": "string"}), NEW_ITEM(d)["required"].append("sku")),
        "request body.sku: new required field"),
    "new required query parameter": (
        lambda d: GET(d)["parameters"].append({"name": "lang", "in": "query", "required": True,
                                               "schema": {"type": "string"}}),
        "query parameter 'lang': new required parameter"),
    "query parameter made required": (lambda d: GET(d)["parameters"][1].update(required=True),
                                      "query parameter 'fields': became required"),
    "query parameter narrowed": (lambda d: GET(d)["parameters"][1]["schema"].update(type="integer"),
                                 "query parameter 'fields': type narrowed (string -> integer)"),
}


@pytest.mark.parametrize("kind", list(BREAKS))
def test_each_kind_of_break_is_reported(kind):
    edit, expected = BREAKS[kind]
    assert expected in "\n".join(_changed(edit)), _changed(edit)


ADDITIVE = {
    "new operation": lambda d: d["paths"].update({"/v2/items": copy.deepcopy(d["paths"]["/items"])}),
    "new response field": lambda d: ITEM(d)["properties"].update(colour={"type": "string"}),
    "new enum value in a response": lambda d: ITEM(d)["properties"]["status"]["enum"].append("archived"),
    "new optional request field": lambda d: NEW_ITEM(d)["properties"].update(sku={"type": "string"}),
    "new optional query parameter": lambda d: GET(d)["parameters"].append(
        {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"}}),
    "wider request type (integer accepted as number)": lambda d: NEW_ITEM(d)["properties"]["price"].update(
        anyOf=[{"type": "number"}, {"type": "string"}]),
    "new enum value in a request": lambda d: NEW_ITEM(d)["properties"]["kind"]["enum"].append("c"),
    "request field made optional": lambda d: NEW_ITEM(d)["required"].remove("title"),
    "new error status": lambda d: GET(d)["responses"].update({"429": {"description": "slow down"}}),
    "removed error status": lambda d: GET(d)["responses"].pop("404"),
    "renamed path parameter": lambda d: d["paths"].update({"/items/{slug}": d["paths"].pop("/items/{id}")}),
    "new response field made required": lambda d: (ITEM(d)["properties"].update(sku={"type": "string"}),
                                                   ITEM(d)["required"].append("sku")),
}


@pytest.mark.parametrize("kind", list(ADDITIVE))
def test_additive_changes_pass(kind):
    assert _changed(ADDITIVE[kind]) == []
