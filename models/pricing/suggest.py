"""Bounded price suggestions under a constant-elasticity demand curve q(p) = q0 * (p / p0) ^ elasticity.

Each SKU's price maximises expected profit (p - cost) * q(p), or revenue p * q(p) when the cost is unknown,
over integer minor-unit prices that
  - stay within ±max_change of the current regular price p0,
  - are never below cost * (1 + min_margin),
  - are never above the compare-at price,
preferring prices ending in 99 minor units when any lie inside the bounds. When the bounds exclude each other
(e.g. the margin floor is above the compare-at price) the current price is kept and flagged "infeasible".

Columns returned: sku, current_price_minor, suggested_price_minor, min_price_minor, max_price_minor (the bounds),
change_pct, elasticity, elasticity_se, confidence, expected_units_change_pct, expected_gain_pct (of profit or
revenue), objective ("profit" | "revenue"), binding ("max_change" | "margin" | "compare_at" | "interior" |
"infeasible"). Money columns are integer minor units.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm

CONFIDENCE_BAND = 0.20  # confidence = P(true elasticity within ±20 % of the estimate)


def confidence(elasticity, se) -> np.ndarray:
    """Posterior probability (normal) that the true elasticity lies within ±20 % of the estimate: falls with the
    standard error, so fewer sales or fewer price moves mean a lower confidence."""
    e, s = np.abs(np.asarray(elasticity, dtype=float)), np.asarray(se, dtype=float)
    z = CONFIDENCE_BAND * e / np.maximum(s, 1e-9)
    return np.clip(2 * norm.cdf(z) - 1, 0.0, 1.0)


def _optional_int(row: pd.Series, name: str) -> int | None:
    value = row.get(name)
    return None if value is None or pd.isna(value) else int(value)


def regular_price(row: pd.Series) -> int:
    """The price to move from: the compare-at (list) price while a promotion runs, else the price."""
    compare_at = _optional_int(row, "compare_at_minor")
    if int(row.get("promo", 0) or 0) == 1 and compare_at:
        return compare_at
    return int(row["price_minor"])


def bounds(p0: int, cost: int | None, compare_at: int | None, max_change: float,
           min_margin: float) -> tuple[int, int, str, str]:
    """(lowest, highest, what binds below, what binds above) allowed price in minor units."""
    lo, lo_why = math.ceil(p0 * (1 - max_change)), "max_change"
    hi, hi_why = math.floor(p0 * (1 + max_change)), "max_change"
    if cost is not None and math.ceil(cost * (1 + min_margin)) > lo:
        lo, lo_why = math.ceil(cost * (1 + min_margin)), "margin"
    if compare_at is not None and compare_at < hi:
        hi, hi_why = compare_at, "compare_at"
    return lo, hi, lo_why, hi_why


def candidates(lo: int, hi: int, p0: int) -> np.ndarray:
    """Prices ending in 99 within [lo, hi] plus the current price; the bounds themselves when none end in 99."""
    first = lo + (99 - lo % 100) % 100
    nice = np.arange(first, hi + 1, 100, dtype=np.int64)
    if len(nice) == 0:
        nice = np.array([lo, hi], dtype=np.int64)
    return np.unique(np.concatenate([nice, [p0]] if lo <= p0 <= hi else [nice]))


def _best(p0: int, cost: int | None, e: float, lo: int, hi: int) -> tuple[int, float, float]:
    prices = candidates(lo, hi, p0)
    units = (prices / p0) ** e
    value = (prices - (cost or 0)) * units
    base = (p0 - (cost or 0)) * 1.0
    i = int(np.argmax(value))
    gain = (value[i] / base - 1) * 100 if base > 0 else float("nan")
    return int(prices[i]), float((units[i] - 1) * 100), float(gain)


def _one(row: pd.Series, e: float, max_change: float, min_margin: float) -> dict:
    p0, cost, compare_at = regular_price(row), _optional_int(row, "cost_minor"), _optional_int(row, "compare_at_minor")
    lo, hi, lo_why, hi_why = bounds(p0, cost, compare_at, max_change, min_margin)
    if lo > hi:
        price, units, gain, binding = p0, 0.0, 0.0, "infeasible"
    else:
        price, units, gain = _best(p0, cost, e, lo, hi)
        binding = lo_why if price - lo < 100 and price < p0 else hi_why if hi - price < 100 and price > p0 \
            else "interior"
    return {"sku": str(row["sku"]), "current_price_minor": p0, "suggested_price_minor": price,
            "min_price_minor": lo, "max_price_minor": hi, "change_pct": (price / p0 - 1) * 100,
            "expected_units_change_pct": units, "expected_gain_pct": gain,
            "objective": "profit" if cost is not None else "revenue", "binding": binding}


def suggest_prices(frame: pd.DataFrame, elasticity: np.ndarray, se: np.ndarray, *, max_change: float = 0.10,
                   min_margin: float = 0.10) -> pd.DataFrame:
    """One suggestion per row of `frame` (sku, price_minor; optional promo, compare_at_minor, cost_minor)."""
    rows = [_one(row, float(e), max_change, min_margin)
            for (_, row), e in zip(frame.reset_index(drop=True).iterrows(), elasticity)]
    out = pd.DataFrame(rows, columns=["sku", "current_price_minor", "suggested_price_minor", "min_price_minor",
                                      "max_price_minor", "change_pct", "expected_units_change_pct",
                                      "expected_gain_pct", "objective", "binding"])
    out.insert(6, "elasticity", np.asarray(elasticity, dtype=float))
    out.insert(7, "elasticity_se", np.asarray(se, dtype=float))
    out.insert(8, "confidence", confidence(elasticity, se))
    for col in ("current_price_minor", "suggested_price_minor", "min_price_minor", "max_price_minor"):
        out[col] = out[col].astype("int64")
    return out
