"""Storefront helpers without IO: the API problem shown in words, the search page's filters turned into /v1/search
parameters, and the links that add or remove one filter."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from apps.web.api import ApiError
from apps.web.shop_data import link, search_params


def test_problem_detail_reads_as_a_sentence_in_both_error_shapes():
    coupon = ApiError(422, "Unprocessable", "No such coupon.",
                      [{"field": "code", "reason": "not_found", "message": "No such coupon."}])
    assert coupon.message == "No such coupon."  # the repeated line is not shown twice, nor as "(input: )"
    fastapi = ApiError(422, "Unprocessable", "Validation failed.", [{"loc": ["body", "qty"], "msg": "too big"}])
    assert fastapi.message == "Validation failed. (qty: too big)"
    ours = ApiError(422, "Unprocessable", "Bad item.", [{"field": "sku", "message": "unknown SKU"}, {"field": "x"}])
    assert ours.message == "Bad item. (sku: unknown SKU)"


def test_search_filters_become_api_parameters():
    params = search_params({"category": "Home", "price": "10-25", "rating": "4"}, "hedphones", 2, 12)
    facets = "category,brand,vendor,price,rating"
    assert params == {"q": "hedphones", "page": 2, "perPage": 12, "facets": facets, "category": "Home",
                      "minPrice": 1000, "maxPrice": 2499, "minRating": 4}
    open_ended = search_params({"price": "500+", "rating": "many"}, "", 1, 12)
    # no upper bound, and a rating that is not a number of stars is dropped
    assert open_ended == {"q": "*", "page": 1, "perPage": 12, "facets": facets, "minPrice": 50000}


def test_links_add_replace_and_remove_one_filter():
    def query(url: str) -> dict:
        return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}

    filters = {"brand": "Acme", "category": "Home"}
    assert query(link("tea pot", filters, vendor="Kiln & Co")) == {"q": "tea pot", "brand": "Acme",
                                                                   "category": "Home", "vendor": "Kiln & Co"}
    assert query(link("tea pot", filters, brand=None, page=None)) == {"q": "tea pot", "category": "Home"}
    assert filters == {"brand": "Acme", "category": "Home"}  # the page's own filters are left as they were
