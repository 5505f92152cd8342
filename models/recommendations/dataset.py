"""Interactions and items from the warehouse, for `train` and the task's split.

Purchases come from `order_items` (the typed fact table), views and cart adds from the raw `events` log, each
with a weight saying how much intent it shows. Anonymous views (no userId) are left out: they cannot be tied to
a shopper. Items are products, not SKUs: shoppers choose a product, the size or colour is noise for taste.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

# How much intent an interaction shows; a purchase outweighs a cart add, which outweighs a view.
KIND_WEIGHTS = {"purchase": 4.0, "cart": 2.0, "view": 1.0}
EVENT_KINDS = {"product.viewed": "view", "cart.item_added": "cart"}
FRAME_COLUMNS = ["user_id", "item_id", "ts", "kind", "basket"]

PURCHASES_SQL = """
SELECT user_id, product_id AS item_id, created_at AS ts, order_no AS basket
FROM order_items FINAL
WHERE user_id != '' AND product_id != '' {window}
"""
EVENTS_SQL = """
SELECT JSONExtractString(data, 'userId') AS user_id, JSONExtractString(data, 'productId') AS item_id,
       occurred_at AS ts, type
FROM events
WHERE type IN ({types}) AND user_id != '' AND item_id != '' {window}
"""
ITEMS_SQL = """
SELECT product_id AS item_id, category_ids[1] AS category, status
FROM dim_products FINAL
WHERE product_id != '' AND status NOT IN ('rejected', 'archived')
"""


@dataclass(frozen=True)
class RecsData:
    interactions: pd.DataFrame  # user_id, item_id, weight, ts, kind, basket
    items: pd.DataFrame  # item_id, category, status


def _window(column: str, since: datetime | None, until: datetime | None) -> tuple[str, dict]:
    clauses, params = [], {}
    if since is not None:
        clauses.append(f"AND {column} >= {{since:DateTime64(3, 'UTC')}}")
        params["since"] = since
    if until is not None:
        clauses.append(f"AND {column} < {{until:DateTime64(3, 'UTC')}}")
        params["until"] = until
    return " ".join(clauses), params


def _query(client, sql: str, params: dict, columns: list[str]) -> pd.DataFrame:
    """An empty result may come back without its columns; the callers rely on them being there."""
    return client.query_df(sql, parameters=params).reindex(columns=columns)


def _purchases(client, since, until) -> pd.DataFrame:
    window, params = _window("created_at", since, until)
    frame = _query(client, PURCHASES_SQL.format(window=window), params, ["user_id", "item_id", "ts", "basket"])
    return frame.assign(kind="purchase")


def _events(client, since, until) -> pd.DataFrame:
    window, params = _window("occurred_at", since, until)
    types = ", ".join(f"'{t}'" for t in EVENT_KINDS)
    frame = _query(client, EVENTS_SQL.format(types=types, window=window), params,
                   ["user_id", "item_id", "ts", "type"])
    return frame.assign(kind=frame["type"].map(EVENT_KINDS)).drop(columns="type")  # no basket: not an order


def load(client, *, since: datetime | None = None, until: datetime | None = None) -> RecsData:
    """Every purchase, cart add and signed-in product view in [since, until), and the live catalog."""
    parts = [p for p in (_purchases(client, since, until), _events(client, since, until)) if not p.empty]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FRAME_COLUMNS)
    frame["weight"] = frame["kind"].map(KIND_WEIGHTS).astype(float)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame = frame.sort_values("ts", kind="stable").reset_index(drop=True)
    items = _query(client, ITEMS_SQL, {}, ["item_id", "category", "status"])
    return RecsData(frame[["user_id", "item_id", "weight", "ts", "kind", "basket"]], items)
