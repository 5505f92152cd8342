"""kernel.api_model: the camelCase wire names every service's HTTP bodies get from one base."""
from __future__ import annotations

import pytest
from pydantic import ConfigDict, Field, ValidationError

from kernel.api_model import ApiModel, CamelModel


class _Body(ApiModel):
    product_id: str = Field(max_length=8)
    unit_price_minor: int
    from_status: str | None = Field(None, alias="from")


class _Lenient(CamelModel):
    order_no: str


class _Exact(CamelModel):
    model_config = ConfigDict(extra="forbid")

    order_no: str


def test_wire_names_are_camel_case_unless_an_alias_says_otherwise():
    body = _Body.model_validate({"productId": "p1", "unitPriceMinor": 100, "from": "paid"})
    assert body.model_dump(by_alias=True) == {"productId": "p1", "unitPriceMinor": 100, "from": "paid"}
    assert set(_Body.model_json_schema()["properties"]) == {"productId", "unitPriceMinor", "from"}


def test_python_names_are_accepted_too():
    body = _Body(product_id="p1", unit_price_minor=5)
    assert (body.product_id, body.unit_price_minor, body.from_status) == ("p1", 5, None)


def test_strict_body_rejects_unknown_fields_and_strips_text_before_checks():
    with pytest.raises(ValidationError, match="extra"):
        _Body.model_validate({"productId": "p1", "unitPriceMinor": 1, "unitPrice": 1})
    assert _Body.model_validate({"productId": "  12345678  ", "unitPriceMinor": 1}).product_id == "12345678"
    assert _Body.model_json_schema()["additionalProperties"] is False


def test_lenient_body_ignores_unknown_fields_and_keeps_text_as_sent():
    assert _Lenient.model_validate({"orderNo": " A1 ", "other": 1}).model_dump(by_alias=True) == {"orderNo": " A1 "}
    assert "additionalProperties" not in _Lenient.model_json_schema()


def test_a_subclass_tightens_extra_without_losing_the_camel_names():
    with pytest.raises(ValidationError):
        _Exact.model_validate({"orderNo": "A1", "x": 1})
    assert _Exact.model_validate({"orderNo": " A1 "}).model_dump(by_alias=True) == {"orderNo": " A1 "}
