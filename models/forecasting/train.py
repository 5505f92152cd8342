"""train(sales, params) -> ForecastModel: per SKU a Prophet (dense enough series) or a TSB rate (short or
intermittent ones), Prophet fits spread over processes. Pure: frames and params in, a picklable model out."""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from models.base import EmptyTrainingData
from models.forecasting.intermittent import tsb
from models.forecasting.model import ForecastModel, SkuFit
from models.forecasting.parallel import map_chunks
from models.forecasting.prophet_sku import fit_prophet

DEFAULT_PARAMS: dict = {
    # The rule choosing a SKU's model. Prophet needs enough days to see several weeks of its weekly pattern, and
    # on a mostly-zero series its Gaussian likelihood fits the zeros, not the sales: those go to TSB instead.
    # 0.5 zero days is about the ADI 1.32 cut of the Syntetos–Boylan classification of intermittent demand.
    "min_history_days": 56,
    "max_zero_share": 0.5,
    "yearly_min_days": 730,  # one year cannot tell a season from the trend; Prophet's own default is two
    "interval_width": 0.8,
    "uncertainty_samples": 200,  # Prophet's 1000 takes most of the predict time; 200 keeps 80% bands stable
    "changepoint_prior_scale": 0.05,
    "tsb_alpha": 0.1,
    "tsb_beta": 0.1,
    "n_jobs": 2,
}
REQUIRED = ("sku", "ds", "y")


def choose_method(history: pd.DataFrame, params: dict) -> str:
    """The stated rule: Prophet only with >= min_history_days days and a zero-day share <= max_zero_share."""
    if len(history) < params["min_history_days"]:
        return "tsb"
    zero_share = float((history["y"].fillna(0) <= 0).mean())
    return "prophet" if zero_share <= params["max_zero_share"] else "tsb"


def prepare(sales: pd.DataFrame) -> pd.DataFrame:
    """Validate, then one row per SKU and day from its first to its last date: missing days sold nothing, no
    promotion ran, and the price stayed as last seen."""
    missing = [c for c in REQUIRED if c not in sales.columns]
    if missing:
        raise ValueError(f"sales needs columns {list(REQUIRED)}; missing {missing}")
    if sales.empty:
        raise EmptyTrainingData("no sales rows in the window: nothing to forecast from")
    frame = sales.assign(ds=pd.to_datetime(sales["ds"]).dt.normalize(), sku=sales["sku"].astype(str))
    agg = {"y": "sum", **{c: "max" for c in ("promo", "price") if c in frame}}
    frame = frame.groupby(["sku", "ds"], as_index=False).agg(agg)
    return frame.groupby("sku", group_keys=False)[list(frame.columns)].apply(_fill_days).reset_index(drop=True)


def _fill_days(one: pd.DataFrame) -> pd.DataFrame:
    days = pd.date_range(one["ds"].min(), one["ds"].max(), freq="D")
    out = one.set_index("ds").reindex(days).rename_axis("ds").reset_index()
    out["sku"] = one["sku"].iloc[0]
    out["y"] = out["y"].fillna(0.0).clip(lower=0.0)
    if "promo" in out:
        out["promo"] = out["promo"].fillna(0.0).astype(float)
    if "price" in out:
        out["price"] = out["price"].ffill().bfill().astype(float)
    return out


def weekly_profile(frame: pd.DataFrame) -> np.ndarray:
    """Pooled Monday..Sunday multipliers (mean 1) from every SKU's units: a single intermittent SKU shows no weekly
    shape, the marketplace as a whole does. Flat when a weekday has no history at all."""
    by_day = frame.groupby(frame["ds"].dt.dayofweek)["y"].mean().reindex(range(7))
    if by_day.isna().any() or by_day.sum() <= 0:
        return np.ones(7)
    return (by_day / by_day.mean()).to_numpy()


def _fit_prophets(items, *, params: dict) -> list[SkuFit]:
    return [SkuFit(sku, "prophet", hist["ds"].iloc[-1], len(hist), fit_prophet(hist, params))
            for sku, hist in items]


def train(sales: pd.DataFrame, params: dict | None = None) -> ForecastModel:
    """Fit every SKU in `sales` (sku, ds, y [, promo, price]); see DEFAULT_PARAMS for the knobs."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    frame = prepare(sales)
    fits: dict[str, SkuFit] = {}
    prophet_items = []
    for sku, hist in frame.groupby("sku", sort=True):
        hist = hist.reset_index(drop=True)
        if choose_method(hist, params) == "prophet":
            prophet_items.append((sku, hist))
            continue
        rate = tsb(hist["y"].to_numpy(), alpha=params["tsb_alpha"], beta=params["tsb_beta"])
        fits[sku] = SkuFit(sku, "tsb", hist["ds"].iloc[-1], len(hist), rate)
    for fit in map_chunks(partial(_fit_prophets, params=params), prophet_items, params["n_jobs"]):
        fits[fit.sku] = fit
    return ForecastModel(skus=dict(sorted(fits.items())), weekly_profile=weekly_profile(frame), params=params)
