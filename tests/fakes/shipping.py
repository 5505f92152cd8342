"""An in-memory stand-in for the shipping database (ShippingRepository): rate tables, shipments and the orders
projection. Shipments an uncommitted unit of work added are dropped; loaded rows change in place."""
from __future__ import annotations

from typing import Any

from apps.shipping.config import ShippingSettings
from apps.shipping.orm import OrderProjection, RateBracket, RateTable, Shipment
from apps.shipping.repository import ShippingRepository
from kernel.testing import FakeRepository, FakeServiceClients, FakeUnitOfWork

VENDOR = "0190a000-0000-7000-8000-0000000000aa"
OTHER_VENDOR = "0190a000-0000-7000-8000-0000000000bb"


def shipping_settings(**overrides: Any) -> ShippingSettings:
    values = dict(origin_country="US", carrier="MKT Express", default_item_weight_grams=500,
                  max_event_window_days=90)
    return ShippingSettings(**{**values, **overrides})


class FakeShippingRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[RateTable] = []
        self.orders: dict[str, OrderProjection] = {}
        self.shipments: dict[str, Shipment] = {}

    async def rate_tables(self) -> list[RateTable]:
        return list(self.tables)

    async def eta_days(self, zone: str, service_level: str) -> int | None:
        return next((t.eta_days for t in self.tables if (t.zone, t.service_level) == (zone, service_level)), None)

    async def order(self, order_no: str) -> OrderProjection | None:
        return self.orders.get(order_no)

    async def lock_order(self, order_no: str, *, status: str) -> OrderProjection:
        return self.orders.setdefault(order_no, OrderProjection(order_no=order_no, status=status, vendor_ids=[]))

    async def label_of(self, order_no: str, vendor_id: str) -> str | None:
        return next((s.tracking_no for s in self.rows(Shipment)
                     if (s.order_no, s.vendor_id) == (order_no, vendor_id)), None)

    async def shipment(self, tracking_no: str, *, lock: bool = False) -> Shipment | None:
        return next((s for s in self.rows(Shipment) if s.tracking_no == tracking_no), None)

    def keep(self, row: Any) -> None:
        self.shipments[row.tracking_no] = row

    def _kept_rows(self) -> list[Any]:
        return list(self.shipments.values())

    def rate(self, zone: str, service_level: str, *, eta_days: int, flat_minor: int | None = None,
             brackets: list[tuple[int | None, int]] | None = None) -> None:
        self.tables.append(RateTable(id=len(self.tables) + 1, zone=zone, service_level=service_level,
                                     method="flat" if flat_minor is not None else "table", currency="USD",
                                     eta_days=eta_days, flat_amount_minor=flat_minor,
                                     brackets=[RateBracket(max_grams=g, amount_minor=a, extra_per_kg_minor=0)
                                               for g, a in brackets or []]))

    def paid_order(self, order_no: str, *vendors: str, country: str = "US", status: str = "paid") -> None:
        self.orders[order_no] = OrderProjection(order_no=order_no, status=status, vendor_ids=list(vendors),
                                                country=country, postal_code="12345", city="Springfield")


def shipping_world() -> tuple[FakeUnitOfWork, FakeShippingRepository, FakeServiceClients]:
    repo = FakeShippingRepository()
    repo.rate("domestic", "standard", eta_days=3, flat_minor=700)
    repo.rate("international", "standard", eta_days=8, brackets=[(1000, 1500), (None, 3000)])
    return FakeUnitOfWork({ShippingRepository: repo}), repo, FakeServiceClients()
