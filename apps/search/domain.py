"""Pure rules of a search request: validate it, turn it into Typesense parameters, fuse ranked lists, shape hits.

Facets offered (names in the API, fields in the index): category, brand, vendor, price (ranges), rating (whole
stars), attributes ("Key:Value"), inStock. Asking for another is a 422, never a silent empty facet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apps.search.config import RelevanceWeights, SearchSettings
from kernel.errors import ValidationFailed

FACETS = {"category": "categories", "brand": "brand", "vendor": "vendor_name", "price": "price_range",
          "rating": "rating", "attributes": "attributes", "inStock": "in_stock"}
DEFAULT_FACETS = ("category", "brand", "vendor", "price", "rating", "attributes")
QUERY_BY = "title,categories,brand,attribute_text,vendor_name,description"
QUERY_BY_WEIGHTS = "8,5,4,3,2,1"
MODES = ("keyword", "semantic", "hybrid")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class SearchRequest:
    q: str
    category: str | None = None
    brand: str | None = None
    vendor: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    min_rating: float | None = None
    in_stock: bool | None = None
    attributes: tuple[str, ...] = ()
    facets: tuple[str, ...] = DEFAULT_FACETS
    page: int = 1
    per_page: int = 20
    mode: str = "hybrid"

    @property
    def is_wildcard(self) -> bool:
        return self.q in ("", "*")

    def filters(self) -> dict[str, str]:
        pairs = {"category": self.category, "brand": self.brand, "vendor": self.vendor,
                 "minPrice": self.min_price, "maxPrice": self.max_price, "minRating": self.min_rating,
                 "inStock": self.in_stock, "attr": ",".join(self.attributes) or None}
        return {k: str(v)[:100] for k, v in pairs.items() if v is not None}


def _bad(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field_name, "in": "query", "message": message}])


def clean_text(value: str | None, field_name: str, max_chars: int) -> str | None:
    if value is None:
        return None
    if len(value) > max_chars:
        raise _bad(field_name, f"{field_name} is at most {max_chars} characters.")
    if _CONTROL.search(value):
        raise _bad(field_name, f"{field_name} may not contain control characters (NUL and the like).")
    return " ".join(value.split())


def parse_facets(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return DEFAULT_FACETS
    names = tuple(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    unknown = [n for n in names if n not in FACETS]
    if unknown:
        raise _bad("facets", f"Unknown facets: {', '.join(unknown)[:200]}. Known: {', '.join(FACETS)}.")
    return names


def validate(req: SearchRequest, settings: SearchSettings) -> SearchRequest:
    if req.page > settings.max_page:
        raise _bad("page", f"page is at most {settings.max_page}; narrow the query or the filters instead.")
    if req.per_page > settings.max_per_page:
        raise _bad("perPage", f"perPage is at most {settings.max_per_page}.")
    if req.min_price is not None and req.max_price is not None and req.min_price > req.max_price:
        raise _bad("minPrice", "minPrice is above maxPrice.")
    if req.mode not in MODES:
        raise _bad("mode", f"mode is one of {', '.join(MODES)}.")
    for attr in req.attributes:
        if ":" not in attr:
            raise _bad("attr", "attr is Key:Value.")
    return req


def _quote(value: str) -> str:
    # Typesense filter values in backticks take any text but a backtick.
    return "`" + value.replace("`", "") + "`"


def filter_by(req: SearchRequest) -> str:
    parts = ["status:=active"]
    if req.category:
        parts.append(f"category_ids:={req.category}" if _UUID.match(req.category)
                     else f"categories:={_quote(req.category)}")
    if req.brand:
        parts.append(f"brand_id:={req.brand}" if _UUID.match(req.brand) else f"brand:={_quote(req.brand)}")
    if req.vendor:
        parts.append(f"vendor_id:={req.vendor}" if _UUID.match(req.vendor) else f"vendor_name:={_quote(req.vendor)}")
    if req.min_price is not None:
        parts.append(f"price_minor:>={req.min_price}")
    if req.max_price is not None:
        parts.append(f"price_minor:<={req.max_price}")
    if req.min_rating is not None:
        parts.append(f"rating_avg:>={req.min_rating}")
    if req.in_stock is not None:
        parts.append(f"in_stock:={'true' if req.in_stock else 'false'}")
    for attr in req.attributes:
        parts.append(f"attributes:={_quote(attr)}")
    return " && ".join(parts)


def keyword_search(req: SearchRequest, collection: str, weights: RelevanceWeights, *, per_page: int,
                   page: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "collection": collection, "q": "*" if req.is_wildcard else req.q, "query_by": QUERY_BY,
        "query_by_weights": QUERY_BY_WEIGHTS, "filter_by": filter_by(req), "per_page": per_page, "page": page,
        "num_typos": 2, "typo_tokens_threshold": 1, "drop_tokens_threshold": 1, "prioritize_exact_match": True,
        "exclude_fields": "embedding,description", "highlight_fields": "none",
        "sort_by": ("rank_score:desc" if req.is_wildcard
                    else f"_text_match(buckets: {weights.text_match_buckets}):desc,rank_score:desc"),
    }
    if req.facets:
        params["facet_by"] = ",".join(FACETS[f] for f in req.facets)
        params["max_facet_values"] = 20
    return params


def vector_search(req: SearchRequest, collection: str, vector: list[float], *, k: int) -> dict[str, Any]:
    values = ",".join(f"{x:.6f}" for x in vector)
    return {"collection": collection, "q": "*", "vector_query": f"embedding:([{values}], k:{k})",
            "filter_by": filter_by(req), "per_page": k, "page": 1, "exclude_fields": "embedding,description"}


@dataclass
class Fused:
    docs: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def fuse(keyword: list[dict[str, Any]], semantic: list[dict[str, Any]], *, semantic_weight: float,
         k: int) -> Fused:
    """Reciprocal rank fusion: score(d) = sum over lists of weight / (k + rank); keyword's weight is 1."""
    scores: dict[str, float] = {}
    docs: dict[str, dict[str, Any]] = {}
    sources: dict[str, set[str]] = {}
    for name, weight, hits in (("keyword", 1.0, keyword), ("semantic", semantic_weight, semantic)):
        for rank, doc in enumerate(hits, start=1):
            doc_id = doc["id"]
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
            docs.setdefault(doc_id, doc)
            sources.setdefault(doc_id, set()).add(name)
    order = sorted(scores, key=lambda d: (-scores[d], d))
    return Fused([docs[d] for d in order], {d: "+".join(sorted(sources[d])) for d in order})


def hit(doc: dict[str, Any]) -> dict[str, Any]:
    return {"productId": doc["id"], "slug": doc.get("slug", ""), "title": doc.get("title", ""),
            "priceMinor": int(doc.get("price_minor", 0)), "ratingAvg": float(doc.get("rating_avg", 0.0)),
            "vendorName": doc.get("vendor_name", "")}


def facets(result: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    by_field = {v: k for k, v in FACETS.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for facet in result.get("facet_counts") or []:
        name = by_field.get(facet["field_name"], facet["field_name"])
        out[name] = [{"value": c["value"], "count": c["count"]} for c in facet.get("counts", [])]
    return out
