"""The input contract of `models.pricing.fit`: one row per SKU and day.

Required columns
    sku            str    the SKU code
    category_id    str    the SKU's (leaf) category; elasticities are pooled per category
    ds             date   the day (UTC)
    units          int    units ordered that day (0 on days without sales: those rows matter)
    price_minor    int    the price charged that day, integer minor units
    promo          0/1    a promotion was running (price cut below the compare-at price, extra visibility)
Optional columns
    compare_at_minor int  the list / compare-at price that day (caps suggestions); NA when none
    cost_minor       int  unit cost (floors suggestions, turns revenue into profit); NA when unknown
    stockout         0/1  sales were censored by a stock-out that day: left out of fitting and scoring
    listed_since     date first day the SKU was on sale: the launch ramp-up after it is left out
"""
from __future__ import annotations

import pandas as pd

from models.base import EmptyTrainingData

REQUIRED = ("sku", "category_id", "ds", "units", "price_minor", "promo")
OPTIONAL_MONEY = ("compare_at_minor", "cost_minor")


def validate(frame: pd.DataFrame, *, what: str = "training data") -> pd.DataFrame:
    """A typed copy of `frame` with the optional columns filled, or EmptyTrainingData saying what is wrong."""
    if frame is None or len(frame) == 0:
        raise EmptyTrainingData(f"pricing: the {what} window holds no SKU-day rows")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(f"pricing: {what} lacks columns {missing}; needs {list(REQUIRED)}")
    out = frame.copy()
    out["sku"] = out["sku"].astype(str)
    out["category_id"] = out["category_id"].astype(str)
    out["ds"] = pd.to_datetime(out["ds"]).dt.tz_localize(None).dt.normalize()
    out["units"] = pd.to_numeric(out["units"]).fillna(0).astype("int64")
    out["price_minor"] = pd.to_numeric(out["price_minor"]).astype("int64")
    out["promo"] = pd.to_numeric(out["promo"]).fillna(0).astype("int64").clip(0, 1)
    for name in OPTIONAL_MONEY:
        out[name] = pd.to_numeric(out[name]).astype("Int64") if name in out else pd.array([pd.NA] * len(out),
                                                                                           dtype="Int64")
    out["stockout"] = pd.to_numeric(out["stockout"]).fillna(0).astype("int64") if "stockout" in out else 0
    if "listed_since" in out:
        out["listed_since"] = pd.to_datetime(out["listed_since"]).dt.tz_localize(None).dt.normalize()
    if (out["price_minor"] <= 0).any() or (out["units"] < 0).any():
        raise ValueError(f"pricing: {what} has non-positive prices or negative units")
    return out.sort_values(["sku", "ds"], kind="stable").reset_index(drop=True)


def usable(frame: pd.DataFrame, ramp_days: int) -> pd.Series:
    """Rows whose units measure demand: not censored by a stock-out, not inside the launch ramp-up."""
    keep = frame["stockout"] == 0
    if "listed_since" in frame and ramp_days > 0:
        since = frame["listed_since"]
        keep &= since.isna() | (frame["ds"] >= since + pd.Timedelta(days=ramp_days))
    return keep


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    """Each SKU's last row: its current price (and whether a promotion set it), compare-at price, cost, category."""
    cols = ["sku", "category_id", "price_minor", "promo", "compare_at_minor", "cost_minor"]
    return frame.sort_values("ds").groupby("sku", as_index=False).tail(1)[cols].reset_index(drop=True)
