"""A small known world for the Superset dashboards test, written straight into the warehouse's raw `events` log (the
materialized views fill the typed tables and dimensions from it, exactly as for events the stream sink lands; this
test is about the dashboards over those tables, not about an event reaction, so no broker is involved).

Everything happens inside a random three-day window in the 1990s that no simulator world or other test writes to,
and every name carries a random tag, so the dashboards' figures over that window are this world's alone."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from kernel.events import Actor, Envelope
from kernel.ids import new_id_str
from kernel.warehouse import warehouse_client
from streams.warehouse_sink.logic import EVENT_COLUMNS, SourceRef, to_row
from tests.integration.order_events import order_created, order_paid

SIM = Actor(type="simulator")


@dataclass
class World:
    since: datetime
    until: datetime
    tag: str
    categories: dict[str, str] = field(default_factory=dict)  # id -> name
    vendors: dict[str, str] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)
    events: list[Envelope] = field(default_factory=list)

    def add(self, event_type: str, data: dict, at: datetime) -> None:
        self.events.append(Envelope(type=event_type, data=data, occurred_at=at, actor=SIM))


def _order(world: World, user: str, lines: list[dict], at: datetime, *, paid: bool = True) -> str:
    number = f"SUP-{uuid.uuid4().hex[:10].upper()}"
    created = order_created(number, user, lines)
    world.events.append(Envelope(type="order.created", data=created.data, occurred_at=at, actor=SIM))
    if paid:
        world.events.append(Envelope(type="order.paid", data=order_paid(number, user, lines).data,
                                     occurred_at=at + timedelta(minutes=2), actor=SIM))
    return number


def build_world() -> World:
    rng = random.Random()
    start = datetime(1990, 1, 1, tzinfo=timezone.utc) + timedelta(days=rng.randrange(0, 3000))
    world = World(since=start, until=start + timedelta(days=3), tag=uuid.uuid4().hex[:6])
    before = start - timedelta(days=30)
    for name in ("Lamps", "Rugs"):
        cid = new_id_str()
        world.categories[cid] = f"{name} {world.tag}"
        world.add("category.created", {"categoryId": cid, "name": world.categories[cid], "slug": f"{name.lower()}-"
                                        f"{world.tag}", "parentId": None, "path": name.lower(), "sort": 0}, before)
    for name in ("Lumen Works", "Weave House"):
        vid = new_id_str()
        world.vendors[vid] = f"{name} {world.tag}"
        world.add("vendor.applied", {"vendorId": vid, "name": world.vendors[vid], "slug": f"v-{vid}",
                                     "status": "pending", "ownerUserId": new_id_str(),
                                     "commission": {"type": "percent", "value": 10}}, before)
    (lamps, rugs), (lumen, weave) = list(world.categories), list(world.vendors)
    catalog = [("Desk Lamp", lumen, lamps, 2500), ("Floor Lamp", lumen, lamps, 8000), ("Wool Rug", weave, rugs, 12000)]
    skus = []
    for title, vendor, category, price in catalog:
        pid, sku = new_id_str(), f"SUP-{uuid.uuid4().hex[:8].upper()}"
        world.products[pid] = f"{title} {world.tag}"
        skus.append((pid, sku, vendor, category, price))
        world.add("product.created", {"productId": pid, "vendorId": vendor, "title": world.products[pid],
                                      "slug": f"p-{pid}", "status": "active", "categoryIds": [category],
                                      "variants": [{"sku": sku, "priceMinor": price, "currency": "USD"}]}, before)

    def line(i: int, qty: int = 1) -> dict:
        pid, sku, vendor, category, price = skus[i]
        return {"sku": sku, "productId": pid, "vendorId": vendor, "qty": qty, "priceMinor": price,
                "lineTotalMinor": qty * price, "discountMinor": 0, "categoryIds": [category]}

    users = [new_id_str() for _ in range(4)]
    day = lambda d, h: start + timedelta(days=d, hours=h)  # noqa: E731
    orders = [
        _order(world, users[0], [line(0, 2)], day(0, 9)),
        _order(world, users[1], [line(1), line(2)], day(0, 15)),
        _order(world, users[0], [line(2)], day(1, 10)),
        _order(world, users[2], [line(0)], day(1, 11), paid=False),
        _order(world, users[3], [line(1, 3)], day(2, 8)),
        _order(world, users[1], [line(0)], day(2, 20)),
    ]
    world.add("order.cancelled", {"orderNo": orders[3], "reason": "unpaid"}, day(1, 12))
    world.add("payment.refunded", {"refundId": new_id_str(), "orderNo": orders[1], "amountMinor": 12000,
                                   "currency": "USD", "reason": "damaged", "full": False}, day(2, 9))
    for number, vendor, late, d in ((orders[0], lumen, 0, 1), (orders[1], weave, 1, 2), (orders[2], weave, 0, 2)):
        world.add("shipping.delivered", {"trackingNo": f"T-{uuid.uuid4().hex[:10]}", "orderNo": number,
                                         "vendorId": vendor, "deliveredAt": day(d, 18).isoformat(),
                                         "late": bool(late)}, day(d, 18))
    for d, viewers in ((0, 5), (1, 4), (2, 8)):
        for v in range(viewers):
            user = users[v] if v < len(users) else ""
            world.add("product.viewed", {"sessionId": f"s-{uuid.uuid4().hex[:10]}", "userId": user or None,
                                         "productId": skus[v % 3][0]}, day(d, 7))
    for query, found in ((f"glow {world.tag}", 0), (f"glow {world.tag}", 0), (f"rug {world.tag}", 3),
                         (f"zzz {world.tag}", 0)):
        world.add("search.served", {"query": query, "mode": "keyword", "found": found, "latencyMs": 4.0},
                  day(1, 13))
    return world


def land(world: World) -> None:
    ingested = datetime.now(timezone.utc)
    rows = [to_row(e, SourceRef("superset-test", 0, n), ingested) for n, e in enumerate(world.events)]
    client = warehouse_client()
    try:
        client.insert("events", rows, column_names=list(EVENT_COLUMNS))
    finally:
        client.close()
