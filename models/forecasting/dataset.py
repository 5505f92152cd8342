"""load(client, since=, until=) -> ForecastData: daily units per SKU (zero-filled from listing or first sale),
the price charged and a promotion flag per day, and per SKU the current stock and the observed lead time.
The client is handed in (kernel.warehouse.warehouse_client() in the pipeline); nothing is created at import."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import numpy as np
import pandas as pd

from models.base import EmptyTrainingData
from models.forecasting import queries

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DEFAULT_LEAD_DAYS = 7.0  # when a vendor has never been seen restocking


@dataclass(frozen=True)
class ForecastData:
    sales: pd.DataFrame  # sku, ds, y, price, promo — one row per SKU and day, gap-free
    stock: pd.DataFrame  # sku, current_stock, lead_time_days, lead_time_std, lead_time_observed
    since: datetime
    until: datetime

    def items(self):
        """(name, frame) pairs, so the pipeline can report row counts as it does for dict-shaped datasets."""
        return [("sales", self.sales), ("stock", self.stock)]


def _utc(value: date | datetime | None, default: datetime) -> datetime:
    if value is None:
        return default
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _frame(client, sql: str, params: dict) -> pd.DataFrame:
    result = client.query(sql, parameters=params)
    return pd.DataFrame(result.result_rows, columns=list(result.column_names))


def load(client, *, since: date | datetime | None = None, until: date | datetime | None = None,
         default_lead_days: float = DEFAULT_LEAD_DAYS) -> ForecastData:
    """`until` (exclusive) defaults to today's midnight UTC, so a half-finished day never looks like a slump."""
    today = datetime.combine(datetime.now(timezone.utc).date(), time(0), tzinfo=timezone.utc)
    since_at, until_at = _utc(since, EPOCH), _utc(until, today)
    params = {"since": since_at.replace(tzinfo=None), "until": until_at.replace(tzinfo=None)}
    units = _frame(client, queries.DAILY_UNITS, params)
    if units.empty:
        raise EmptyTrainingData(f"no order items between {since_at:%Y-%m-%d} and {until_at:%Y-%m-%d}: "
                                "nothing to forecast from (has the warehouse been backfilled?)")
    listed = _frame(client, queries.LISTED, params)
    sales = daily_sales(units, listed, since_at, until_at)
    sales = with_prices(sales, _frame(client, queries.PRICES, params))
    stock = stock_frame(_frame(client, queries.STOCK, params), _frame(client, queries.LEAD_TIMES, params),
                        _frame(client, queries.SKU_VENDORS, {}), default_lead_days)
    return ForecastData(sales=sales, stock=stock, since=since_at, until=until_at)


def daily_sales(units: pd.DataFrame, listed: pd.DataFrame, since: datetime, until: datetime) -> pd.DataFrame:
    """Every SKU with a sale, each day from max(since, recorded history's first day, min(listing, first sale)) to
    the day before `until`. Before the first order anywhere the warehouse has no record: unknown, not zero."""
    units = units.assign(ds=pd.to_datetime(units["ds"]))
    since = max(pd.Timestamp(since.date()), units["ds"].min())
    first = units.groupby("sku")["ds"].min()
    if len(listed):
        first = pd.concat([first, pd.to_datetime(listed.set_index("sku")["listed"])], axis=1).min(axis=1)
        first = first[first.index.isin(units["sku"])]
    start = pd.to_datetime(first).clip(lower=since)
    last = pd.Timestamp(until.date()) - pd.Timedelta(days=1)
    grid = pd.concat([pd.DataFrame({"sku": sku, "ds": pd.date_range(day, last, freq="D")})
                      for sku, day in start.items()], ignore_index=True)
    out = grid.merge(units, on=["sku", "ds"], how="left")
    out["y"] = out["y"].fillna(0.0)
    return out


def with_prices(sales: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """The price in force at the end of each day (changes land at dawn) and promo = 1 when a compare-at price
    above it was shown. A SKU with no known price keeps NaN price and promo 0."""
    if prices.empty:
        return sales.assign(price=np.nan, promo=0.0)
    prices = prices.assign(at=pd.to_datetime(prices["at"]).dt.tz_localize(None))
    prices["promo"] = (prices["compare_at"] > prices["price"]).astype(float)
    prices = prices.sort_values("at")[["sku", "at", "price", "promo"]]
    keyed = sales.assign(at=sales["ds"] + pd.Timedelta(days=1) - pd.Timedelta(milliseconds=1)).sort_values("at")
    out = pd.merge_asof(keyed, prices, on="at", by="sku", direction="backward").drop(columns="at")
    out["price"] = out["price"].astype(float)
    out["promo"] = out["promo"].fillna(0.0)
    return out.sort_values(["sku", "ds"], ignore_index=True)


def stock_frame(stock: pd.DataFrame, leads: pd.DataFrame, vendors: pd.DataFrame,
                default_lead_days: float) -> pd.DataFrame:
    """Current stock per SKU and its vendor's lead time (median of observed alert→restock gaps; the spread feeds
    safety stock). Vendors never seen restocking get `default_lead_days` and lead_time_observed = False."""
    stock = stock.assign(current_stock=(stock["snapshot"] - stock["reserved_after"] + stock["released_after"])
                         .clip(lower=0))
    by_vendor = leads[leads["lead_days"] > 0].groupby("vendor_id")["lead_days"].agg(["median", "std", "count"])
    out = vendors.merge(stock[["sku", "current_stock"]], on="sku", how="outer")
    out = out.merge(by_vendor, left_on="vendor_id", right_index=True, how="left")
    out["lead_time_observed"] = out["median"].notna()
    out["lead_time_days"] = out["median"].fillna(default_lead_days).astype(float)
    out["lead_time_std"] = out["std"].fillna(0.0).astype(float)
    out["current_stock"] = out["current_stock"].fillna(0).astype(int)
    return out[["sku", "vendor_id", "current_stock", "lead_time_days", "lead_time_std", "lead_time_observed"]]
