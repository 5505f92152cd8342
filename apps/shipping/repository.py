"""The shipping database as the shipping use cases see it (`uow.repository(ShippingRepository)`): shipments, rate
tables and the orders projection, so label and tracking decisions run in unit tests on an in-memory stand-in
(tests/fakes/shipping.py)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.shipping.orm import OrderProjection, RateTable, Shipment
from kernel.uow import Repository


class ShippingRepository(Repository):
    async def rate_tables(self) -> list[RateTable]:
        return list((await self.session.scalars(select(RateTable).order_by(RateTable.id))).all())

    async def eta_days(self, zone: str, service_level: str) -> int | None:
        return await self.session.scalar(select(RateTable.eta_days).where(RateTable.zone == zone,
                                                                          RateTable.service_level == service_level))

    async def order(self, order_no: str) -> OrderProjection | None:
        return await self.session.get(OrderProjection, order_no)

    async def lock_order(self, order_no: str, *, status: str) -> OrderProjection:
        """The order's projection row, created with `status` if missing, locked until the unit of work ends."""
        await self.session.execute(insert(OrderProjection).values(order_no=order_no, status=status, vendor_ids=[])
                                   .on_conflict_do_nothing())
        return await self.session.get(OrderProjection, order_no, with_for_update=True, populate_existing=True)

    async def label_of(self, order_no: str, vendor_id: str) -> str | None:
        """The tracking number of the vendor's label for the order, if it has one."""
        return await self.session.scalar(select(Shipment.tracking_no).where(Shipment.order_no == order_no,
                                                                            Shipment.vendor_id == vendor_id))

    async def shipment(self, tracking_no: str, *, lock: bool = False) -> Shipment | None:
        query = select(Shipment).where(Shipment.tracking_no == tracking_no)
        return await self.session.scalar(query.with_for_update() if lock else query)
