"""Pure catalog rules: slugs, category paths, product statuses, variants and price filters."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:120]


def child_path(parent_path: str | None, slug: str) -> str:
    return f"{parent_path}/{slug}" if parent_path else slug


def is_within(path: str, ancestor_path: str) -> bool:
    """True if `path` is `ancestor_path` or lies under it (moving a category under itself makes a cycle)."""
    return path == ancestor_path or path.startswith(ancestor_path + "/")


# --- products -------------------------------------------------------------------------------------------------

PRODUCT_STATUSES = ("draft", "pending", "active", "archived")
# Vendors submit, withdraw and archive; only an admin puts a product live (approve) or sends it back (reject).
_VENDOR_MOVES = {"draft": {"pending", "archived"}, "pending": {"draft", "archived"}, "active": {"archived"},
                 "archived": {"draft", "pending"}}
_ADMIN_MOVES = {"draft": {"archived"}, "pending": {"active", "draft", "archived"}, "active": {"archived"},
                "archived": set()}
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class RuleViolation(ValueError):
    """A product rule broken by the input; `errors` lists them as problem+json field errors."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def can_transition(current: str, target: str, *, by_admin: bool) -> bool:
    if current == target:
        return False
    return target in (_ADMIN_MOVES if by_admin else _VENDOR_MOVES).get(current, set())


def is_public(product_status: str, vendor_status: str | None) -> bool:
    """Shoppers see a product only while it is approved AND its vendor is active."""
    return product_status == "active" and vendor_status == "active"


def product_slug(title: str, *, suffix: str | None = None) -> str:
    """The title's slug; `suffix` (a few id characters) when the plain slug is taken."""
    base = slugify(title)[:100].strip("-") or "product"
    return f"{base}-{suffix}" if suffix else base


@dataclass(frozen=True)
class PriceRange:
    """A shopper's inclusive price filter in minor units; a product matches if any of its variants does."""

    min_minor: int | None = None
    max_minor: int | None = None

    def __post_init__(self) -> None:
        if any(v is not None and v < 0 for v in (self.min_minor, self.max_minor)):
            raise RuleViolation([{"field": "minPrice", "message": "prices are non-negative minor units"}])
        if self.min_minor is not None and self.max_minor is not None and self.min_minor > self.max_minor:
            raise RuleViolation([{"field": "minPrice", "message": "minPrice must not exceed maxPrice"}])

    def contains(self, price_minor: int) -> bool:
        return ((self.min_minor is None or price_minor >= self.min_minor)
                and (self.max_minor is None or price_minor <= self.max_minor))

    def matches(self, variant_prices: list[int]) -> bool:
        return any(self.contains(p) for p in variant_prices)


def price_bounds(variant_prices: list[int]) -> tuple[int, int]:
    return min(variant_prices), max(variant_prices)


def check_variants(options: list[dict], variants: list[dict], *, max_variants: int) -> None:
    """Variants (dicts with sku, option_values, price_minor, currency, compare_at_price_minor) against the
    product's options [{name, values}]: raises RuleViolation listing every broken rule."""
    errors: list[dict[str, str]] = []
    if not 1 <= len(variants) <= max_variants:
        errors.append({"field": "variants", "message": f"a product has 1 to {max_variants} variants"})
    skus = [v["sku"] for v in variants]
    if len(set(skus)) != len(skus):
        errors.append({"field": "variants", "message": "SKUs repeat within the product"})
    if len({v["currency"] for v in variants}) > 1:
        errors.append({"field": "variants", "message": "all variants of a product share one currency"})
    for i, v in enumerate(variants):
        if v.get("compare_at_price_minor") is not None and v["compare_at_price_minor"] < v["price_minor"]:
            errors.append({"field": f"variants.{i}.compareAtPriceMinor", "message": "must be >= priceMinor"})
    errors += _option_errors(options, variants)
    if errors:
        raise RuleViolation(errors)


def _option_errors(options: list[dict], variants: list[dict]) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    allowed = {o["name"]: set(o["values"]) for o in options}
    if len(allowed) != len(options):
        errors.append({"field": "options", "message": "option names repeat"})
    seen: set[tuple] = set()
    for i, v in enumerate(variants):
        values = v.get("option_values") or {}
        if set(values) != set(allowed):
            errors.append({"field": f"variants.{i}.optionValues",
                           "message": f"must name exactly the options {sorted(allowed)}"})
            continue
        bad = [name for name, value in values.items() if value not in allowed[name]]
        if bad:
            errors.append({"field": f"variants.{i}.optionValues", "message": f"unknown value for {bad}"})
        combo = tuple(sorted(values.items()))
        if allowed and combo in seen:
            errors.append({"field": f"variants.{i}.optionValues", "message": "two variants share these options"})
        seen.add(combo)
    return errors
