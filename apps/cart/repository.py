"""The cart database as the cart use cases see it (`uow.repository(CartRepository)`): the shopper's cart row and
the catalog projection's SKUs, so the use cases' decisions run in unit tests on an in-memory stand-in
(tests/fakes/cart.py). Writing the projection from events (projections.apply_*) stays SQL: its "only newer rows
win" rule lives in the upsert statement itself."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.cart.orm import Cart, SkuCatalog, VendorState
from kernel.uow import Repository


class CartRepository(Repository):
    async def cart(self, user_id: str) -> Cart | None:
        """The cart as committed; FOR SHARE waits for a change in flight, so the version matches the lines read."""
        return await self.session.scalar(select(Cart).where(Cart.user_id == user_id).with_for_update(read=True))

    async def lock_cart(self, user_id: str) -> Cart:
        """The shopper's cart row, created empty if missing, locked until the unit of work ends.

        One statement where it was two (insert-if-missing, then SELECT … FOR UPDATE): on a conflict the upsert's
        no-op update takes the same row lock, waiting for a change in flight, and RETURNING gives the row as
        committed by it."""
        upsert = insert(Cart).values(user_id=user_id, version=0)
        upsert = upsert.on_conflict_do_update(index_elements=[Cart.user_id], set_={"user_id": upsert.excluded.user_id})
        result = await self.session.execute(select(Cart).from_statement(upsert.returning(Cart))
                                            .execution_options(populate_existing=True))
        return result.scalar_one()

    async def sku_entries(self, skus: list[str]) -> dict[str, tuple[SkuCatalog, str | None]]:
        """SKU → (catalog row, its vendor's status or None if no vendor event was seen)."""
        rows = await self.session.execute(
            select(SkuCatalog, VendorState.status)
            .outerjoin(VendorState, VendorState.vendor_id == SkuCatalog.vendor_id)
            .where(SkuCatalog.sku.in_(skus)))
        return {entry.sku: (entry, status) for entry, status in rows.all()}
