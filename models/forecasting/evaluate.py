"""MASE per SKU against a weekly seasonal naive baseline, on one hold-out (score) or on a rolling origin (several
28-day folds at the end of the window, a fresh fit strictly before each origin).

MASE = MAE of the forecast / in-sample MAE of the lag-7 naive on the training days. Undefined (skipped, and
counted) when a SKU's training series never changes week on week, e.g. never sold. Beware on intermittent
demand: an all-zero forecast minimises MAE when most days are zeros, so a zero forecast's MASE is reported
beside the model's as a reference, and the reorder logic uses the mean forecast, never that one. RMSSE (the M5
competition's scaled RMSE, minimised by the mean) is reported beside MASE for that reason."""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.forecasting.intermittent import seasonal_naive
from models.forecasting.train import train

PERIOD = 7
ERROR_COLUMNS = ["mase", "rmsse", "baseline_mase", "baseline_rmsse", "zero_mase", "zero_rmsse"]


def mase_scale(history: np.ndarray, power: int = 1) -> float:
    """Mean |lag-7 difference|^power over the training days (power 2: RMSSE's squared scale); NaN if 0."""
    history = np.nan_to_num(np.asarray(history, dtype=float))
    if history.size <= PERIOD:
        return float("nan")
    scale = float(np.mean(np.abs(history[PERIOD:] - history[:-PERIOD]) ** power))
    return scale if scale > 0 else float("nan")


def scaled_errors(y: np.ndarray, past: np.ndarray, forecasts: dict[str, np.ndarray]) -> dict[str, float]:
    """MASE and RMSSE of each named forecast against the actuals `y`, scaled on the training days `past`."""
    mae_scale, mse_scale = mase_scale(past), mase_scale(past, 2)
    out = {}
    for name, yhat in forecasts.items():
        prefix = "" if name == "model" else f"{name}_"
        out[f"{prefix}mase"] = float(np.mean(np.abs(y - yhat)) / mae_scale)
        out[f"{prefix}rmsse"] = float(np.sqrt(np.mean((y - yhat) ** 2) / mse_scale))
    return out


def eligible_skus(sales: pd.DataFrame, cut: pd.Timestamp, params: dict) -> list[str]:
    """SKUs with at least eval_min_history_days before `cut`; a fixed-seed sample of eval_max_skus of them when
    that param is set (the sample is reported, so a capped evaluation never passes for a full one)."""
    days = sales[sales["ds"] < cut].groupby("sku")["ds"].nunique()
    skus = sorted(days[days >= params["eval_min_history_days"]].index)
    cap = params.get("eval_max_skus")
    if cap and len(skus) > cap:
        rng = np.random.default_rng(params["eval_seed"])
        skus = sorted(rng.choice(skus, size=cap, replace=False).tolist())
    return skus


def fold_errors(model, sales: pd.DataFrame, cut: pd.Timestamp, skus: list[str], days: int) -> pd.DataFrame:
    """Per SKU: MASE of the model, the seasonal naive and the zero forecast over `days` days from `cut`."""
    forecast = model.predict(days, skus=[s for s in skus if s in model.skus]).set_index(["sku", "ds"])["yhat"]
    rows = []
    for sku, one in sales[sales["sku"].isin(skus)].groupby("sku"):
        past = one.loc[one["ds"] < cut, "y"].to_numpy()
        actual = one[(one["ds"] >= cut) & (one["ds"] < cut + pd.Timedelta(days=days))]
        if actual.empty:
            continue
        y = actual["y"].to_numpy(dtype=float)
        keys = pd.MultiIndex.from_arrays([[sku] * len(actual), actual["ds"]])
        yhat = forecast.reindex(keys).fillna(0.0).to_numpy()
        naive = seasonal_naive(past, len(y), period=PERIOD)
        rows.append({"sku": sku, "cut": cut, **scaled_errors(y, past, {
            "model": yhat, "baseline": naive, "zero": np.zeros_like(y)})})
    return pd.DataFrame(rows, columns=["sku", "cut", *ERROR_COLUMNS])


def rolling_origin(sales: pd.DataFrame, origins: list[pd.Timestamp], skus: list[str], params: dict,
                   first_model=None) -> pd.DataFrame:
    """Refit with `params` on the evaluated SKUs strictly before each origin; `first_model` (already fitted
    before origins[0]) is reused for the first fold."""
    folds = []
    for i, cut in enumerate(origins):
        model = first_model if i == 0 and first_model is not None else train(
            sales[(sales["ds"] < cut) & sales["sku"].isin(skus)], params)
        folds.append(fold_errors(model, sales, cut, skus, params["fold_days"]))
    return pd.concat(folds, ignore_index=True)


def summarize(errors: pd.DataFrame) -> dict[str, float]:
    """Per SKU the mean over folds, then the figures across SKUs."""
    per_sku = errors.groupby("sku")[ERROR_COLUMNS].mean().dropna()
    if per_sku.empty:
        return {"skus_scored": 0.0}
    out = {"skus_scored": float(len(per_sku))}
    for metric in ("mase", "rmsse"):
        model, base = per_sku[metric], per_sku[f"baseline_{metric}"]
        out.update({f"mean_{metric}": float(model.mean()), f"median_{metric}": float(model.median()),
                    f"share_{metric}_lt_1": float((model < 1).mean()),
                    f"baseline_mean_{metric}": float(base.mean()), f"baseline_median_{metric}": float(base.median()),
                    f"share_beats_baseline_{metric}": float((model < base).mean()),
                    f"zero_forecast_median_{metric}": float(per_sku[f"zero_{metric}"].median())})
    return out
