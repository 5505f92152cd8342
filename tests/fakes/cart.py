"""An in-memory stand-in for the cart database (CartRepository): carts by shopper and the catalog projection's
SKUs. Carts change in place, as loaded rows do in a session; a cart created by a unit of work that does not commit
is dropped again."""
from __future__ import annotations

from typing import Any

from apps.cart.config import CartSettings
from apps.cart.orm import Cart, SkuCatalog
from apps.cart.repository import CartRepository
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.testing import FakeServiceClients, FakeUnitOfWork

SHOPPER = "0190a000-0000-7000-8000-0000000000c1"
VENDOR = "0190a000-0000-7000-8000-0000000000aa"


def cart_settings(**overrides: Any) -> CartSettings:
    values = dict(default_currency="USD", max_lines=50, max_qty=99, flat_shipping_minor=500, tax_rate_bps=0)
    return CartSettings(**{**values, **overrides})


class FakeCartRepository:
    def __init__(self) -> None:
        self.carts: dict[str, Cart] = {}
        self.catalog: dict[str, tuple[SkuCatalog, str | None]] = {}
        self._created: list[str] = []

    async def cart(self, user_id: str) -> Cart | None:
        return self.carts.get(user_id)

    async def lock_cart(self, user_id: str) -> Cart:
        if user_id not in self.carts:
            self.carts[user_id] = Cart(user_id=user_id, version=0, items=[])
            self._created.append(user_id)
        return self.carts[user_id]

    async def flush(self) -> None:
        return None

    async def sku_entries(self, skus: list[str]) -> dict[str, tuple[SkuCatalog, str | None]]:
        return {sku: self.catalog[sku] for sku in skus if sku in self.catalog}

    def commit(self) -> None:
        self._created = []

    def rollback(self) -> None:
        for user_id in self._created:
            self.carts.pop(user_id, None)
        self._created = []

    def sell(self, sku: str, *, price_minor: int = 1000, currency: str = "USD", product_status: str = "active",
             vendor_status: str | None = "active", vendor_id: str = VENDOR) -> SkuCatalog:
        """A SKU the catalog projection knows."""
        row = SkuCatalog(sku=sku, product_id=new_id_str(), vendor_id=vendor_id, title=f"Item {sku}",
                         product_status=product_status, price_minor=price_minor, currency=currency,
                         category_ids=["cat-1"], weight_grams=250, source_occurred_at=utcnow())
        self.catalog[sku] = (row, vendor_status)
        return row


def cart_world() -> tuple[FakeUnitOfWork, FakeCartRepository, FakeServiceClients]:
    repo = FakeCartRepository()
    return FakeUnitOfWork({CartRepository: repo}), repo, FakeServiceClients()


def in_stock(svc: FakeServiceClients, sku: str, available: int) -> None:
    svc.answer("inventory", "GET", f"/v1/inventory/{sku}", json={"sku": sku, "available": available})
