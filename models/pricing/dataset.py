"""The pricing training frame from the warehouse: one row per SKU and day on sale (columns.py), built from
  - order_items: units ordered per SKU and day and the price actually paid (units-weighted),
  - the raw `events` log: each SKU's price history (product.created/updated/approved variants, then
    product.price.updated with newCompareAtPriceMinor set while a promotion runs), its category and the day it
    was approved (listed_since),
  - inventory_movements: a running available-stock level per SKU (absolute levels from inventory.adjusted and
    inventory.low_stock, minus reservations, plus releases), so days that hit zero stock are flagged `stockout`.
Days without sales get units 0 at the listed price: zero-sale days are as informative as selling days.
The price history is read from `events` rather than dim_skus because that dimension keeps only the newest price.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from clickhouse_connect.driver.client import Client

from models.base import EmptyTrainingData

PRICES_SQL = """
SELECT JSONExtractString(v, 'sku') AS sku, occurred_at AS at, JSONExtractInt(v, 'priceMinor') AS price_minor,
       JSONExtract(v, 'compareAtPriceMinor', 'Nullable(Int64)') AS compare_at_minor
FROM events ARRAY JOIN JSONExtractArrayRaw(data, 'variants') AS v
WHERE type IN ('product.created', 'product.updated', 'product.approved')
UNION ALL
SELECT JSONExtractString(data, 'sku') AS sku, occurred_at AS at, JSONExtractInt(data, 'newPriceMinor') AS price_minor,
       JSONExtract(data, 'newCompareAtPriceMinor', 'Nullable(Int64)') AS compare_at_minor
FROM events WHERE type = 'product.price.updated'
"""
LISTINGS_SQL = """
SELECT JSONExtractString(v, 'sku') AS sku,
       argMax(arrayElement(JSONExtract(data, 'categoryIds', 'Array(String)'), -1), occurred_at) AS category_id,
       minIf(occurred_at, type = 'product.approved') AS approved_at
FROM events ARRAY JOIN JSONExtractArrayRaw(data, 'variants') AS v
WHERE type IN ('product.created', 'product.updated', 'product.approved')
GROUP BY sku
"""
UNITS_SQL = """
SELECT sku, toDate(created_at) AS ds, toInt64(sum(qty)) AS units, toInt64(sum(qty * price_minor)) AS paid_minor
FROM order_items FINAL WHERE sku != '' GROUP BY sku, ds
"""
STOCK_SQL = """
SELECT sku, at, kind, qty, available FROM inventory_movements FINAL
WHERE sku != '' AND kind IN ('adjusted', 'low_stock', 'reserved', 'released')
ORDER BY sku, at
"""


def _frame(client: Client, sql: str) -> pd.DataFrame:
    return client.query_df(sql)


def _naive_utc(values: pd.Series) -> pd.Series:
    out = pd.to_datetime(values)
    out = out.dt.tz_convert(None) if out.dt.tz is not None else out
    return out.astype("datetime64[ns]")


def stock_levels(moves: pd.DataFrame) -> pd.DataFrame:
    """Available stock after each movement: an absolute level resets it, reservations and releases move it.
    A low-stock notice shares its reservation's timestamp and already counts it, so at a tie it goes last."""
    moves = moves.assign(at=_naive_utc(moves["at"]), absolute=moves["kind"].isin(["adjusted", "low_stock"])
                         & moves["available"].notna())
    moves = moves.sort_values(["sku", "at", "absolute"], kind="stable").reset_index(drop=True)
    absolute = moves["absolute"]
    delta = np.where(moves["kind"] == "reserved", -moves["qty"], np.where(moves["kind"] == "released", moves["qty"], 0))
    epoch = absolute.astype(int).groupby(moves["sku"]).cumsum()  # a new epoch starts at each absolute level
    base = moves["available"].where(absolute).groupby([moves["sku"], epoch]).transform("first")
    moved = pd.Series(np.where(absolute, 0, delta), index=moves.index).groupby([moves["sku"], epoch]).cumsum()
    return moves.assign(level=(base.fillna(0) + moved).to_numpy(dtype=float))


def stockout_flags(grid: pd.DataFrame, moves: pd.DataFrame) -> np.ndarray:
    """1 where a (sku, ds) row started the day with no stock or ran out during it: sales there are censored."""
    if moves.empty:
        return np.zeros(len(grid), dtype=np.int64)
    levels = stock_levels(moves)
    hit = levels[levels["level"] <= 0].assign(ds=lambda f: f["at"].dt.normalize())[["sku", "ds"]].drop_duplicates()
    keyed = grid[["sku", "ds"]].reset_index().sort_values("ds")
    start = pd.merge_asof(keyed, levels[["sku", "at", "level"]].sort_values("at"), left_on="ds", right_on="at",
                          by="sku", direction="backward", allow_exact_matches=False)
    empty_at_start = start.set_index("index")["level"].reindex(grid.index).le(0).to_numpy()
    during = grid[["sku", "ds"]].merge(hit.assign(hit=1), on=["sku", "ds"], how="left")["hit"].notna().to_numpy()
    return (empty_at_start | during).astype(np.int64)


def _daily_grid(listings: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Every (sku, day) from the later of its listing day and `start` up to `end` (exclusive)."""
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    grid = listings.merge(pd.DataFrame({"ds": days}), how="cross")
    return grid[grid["ds"] >= grid["listed_since"]].reset_index(drop=True)


def _with_prices(grid: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """The price in force at the end of each day (changes land at dawn, so that is the day's price)."""
    prices = prices.assign(at=_naive_utc(prices["at"])).sort_values("at", kind="stable")
    grid = grid.assign(day_end=grid["ds"] + pd.Timedelta(days=1) - pd.Timedelta(milliseconds=1)).sort_values("day_end")
    out = pd.merge_asof(grid, prices, left_on="day_end", right_on="at", by="sku", direction="backward")
    return out.drop(columns=["day_end", "at"])


def _window(since, until, units: pd.DataFrame, listings: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    # Before the first recorded sale the log may simply not exist yet: zero days there would be invented, not seen.
    first = units["ds"].min() if len(units) else listings["listed_since"].min()
    last = units["ds"].max() if len(units) else first
    start = pd.Timestamp(since).tz_localize(None).normalize() if since is not None else first
    end = pd.Timestamp(until).tz_localize(None).normalize() if until is not None else last + pd.Timedelta(days=1)
    return start, end


def assemble(listings: pd.DataFrame, prices: pd.DataFrame, units: pd.DataFrame, moves: pd.DataFrame,
             since=None, until=None) -> pd.DataFrame:
    """The training frame from the four query results (pure: tested without a warehouse)."""
    listings = listings.assign(listed_since=_naive_utc(listings["approved_at"]).dt.normalize())
    listings = listings[listings["category_id"] != ""][["sku", "category_id", "listed_since"]]
    units = units.assign(ds=pd.to_datetime(units["ds"]).astype("datetime64[ns]"))
    if listings.empty:
        raise EmptyTrainingData("pricing: the warehouse has no listed SKUs (no product.created/approved events)")
    start, end = _window(since, until, units, listings)
    grid = _daily_grid(listings, start, end)
    if grid.empty:
        raise EmptyTrainingData(f"pricing: no SKU was on sale in the window {start.date()}..{end.date()}")
    frame = _with_prices(grid, prices).merge(units, on=["sku", "ds"], how="left")
    frame = frame[frame["price_minor"].notna()]
    sold = frame["units"].fillna(0).astype("int64")
    paid = np.rint(frame["paid_minor"] / sold.where(sold > 0)).astype("Int64")
    listed = frame["price_minor"].astype("int64")
    compare_at = frame["compare_at_minor"].astype("Int64")
    out = pd.DataFrame({"sku": frame["sku"], "category_id": frame["category_id"], "ds": frame["ds"], "units": sold,
                        "price_minor": paid.fillna(listed).astype("int64"),
                        "promo": (compare_at.notna() & (compare_at > listed)).fillna(False).astype("int64"),
                        "compare_at_minor": compare_at, "cost_minor": pd.array([pd.NA] * len(frame), dtype="Int64"),
                        "listed_since": frame["listed_since"]})
    out["stockout"] = stockout_flags(out, moves)
    return out.sort_values(["sku", "ds"], kind="stable").reset_index(drop=True)


def load(client: Client, *, since: date | datetime | str | None = None,
         until: date | datetime | str | None = None) -> pd.DataFrame:
    """Daily units per SKU in [since, until) with the price paid, promo flag, compare-at price, category,
    stock-out flag and listing day (columns.py). Raises EmptyTrainingData when the window holds nothing."""
    listings, prices = _frame(client, LISTINGS_SQL), _frame(client, PRICES_SQL)
    units, moves = _frame(client, UNITS_SQL), _frame(client, STOCK_SQL)
    return assemble(listings, prices, units, moves, since, until)
