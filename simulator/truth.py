"""What really happened, kept beside the events: per-order fraud labels and outcomes, per-shipment lateness,
per-review true quality, per-day-and-SKU demand components. ground_truth.py writes it out."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

DEMAND_FIELDS = ("trend", "weekly", "yearly", "promo", "price", "price_effect", "expected", "demanded", "sold",
                 "lost", "stock_start", "stock_end", "restocked")


@dataclass
class Truth:
    days: int
    skus: int
    orders: list[dict[str, Any]] = field(default_factory=list)
    shipments: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    demand: dict[str, np.ndarray] = field(default_factory=dict)
    order_rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in DEMAND_FIELDS:
            dtype = np.float32 if name in ("trend", "weekly", "yearly", "promo", "price_effect", "expected") \
                else np.int64
            self.demand[name] = np.zeros((self.days, self.skus), dtype=dtype)
        self.fraud_units = np.zeros((self.days, self.skus), dtype=np.int64)

    def order(self, row: dict[str, Any]) -> dict[str, Any]:
        self.orders.append(row)
        self.order_rows[row["order_no"]] = row
        return row

    def totals(self) -> dict[str, int]:
        paid = [o for o in self.orders if o["paid"]]
        return {"orders": len(self.orders), "paid_orders": len(paid),
                "gmv_minor": sum(o["total_minor"] for o in paid),
                "placed_total_minor": sum(o["total_minor"] for o in self.orders),
                "refunded_minor": sum(o["refunded_minor"] for o in self.orders),
                "fraud_orders": sum(1 for o in self.orders if o["is_fraud"])}

    def vendor_net(self) -> dict[str, int]:
        """Per vendor: net of paid orders (gross − commission), as the warehouse's vendor_splits would sum it."""
        net: dict[str, int] = defaultdict(int)
        for o in self.orders:
            if o["paid"]:
                for vendor_id, value in o["vendor_net"].items():
                    net[vendor_id] += value
        return dict(net)
