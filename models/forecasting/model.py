"""The trained forecaster: per SKU either a Prophet fit (as JSON) or a TSB rate, plus what predict needs.
Plain dataclasses of strings, floats and numpy arrays, so the standard pickle module carries it whole."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from scipy.stats import norm

from models.forecasting.intermittent import RateFit
from models.forecasting.parallel import map_chunks
from models.forecasting.prophet_sku import ProphetFit, predict_prophet

COLUMNS = ["sku", "ds", "yhat", "yhat_lower", "yhat_upper"]


@dataclass(frozen=True)
class SkuFit:
    sku: str
    method: str  # "prophet" | "tsb"; the rule that picks it lives in train.choose_method
    last_date: pd.Timestamp
    history_days: int
    fit: ProphetFit | RateFit

    @property
    def sigma(self) -> float:
        return self.fit.sigma


@dataclass
class ForecastModel:
    skus: dict[str, SkuFit]
    weekly_profile: np.ndarray  # Monday..Sunday multipliers (mean 1) for rate forecasts
    params: dict = field(default_factory=dict)

    def predict(self, horizon_days: int, future: pd.DataFrame | None = None, *, skus=None,
                n_jobs: int | None = None) -> pd.DataFrame:
        """sku, ds, yhat, yhat_lower, yhat_upper for the `horizon_days` days after each SKU's last date.
        `future` (sku, ds, promo and/or price) overrides the assumed no-promotion, last-price future."""
        chosen = [self.skus[s] for s in (skus if skus is not None else sorted(self.skus))]
        if horizon_days < 1 or not chosen:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in COLUMNS})
        prophets = [f for f in chosen if f.method == "prophet"]
        work = partial(_predict_prophets, horizon_days=horizon_days, future=future)
        frames = map_chunks(work, prophets, n_jobs or self.params.get("n_jobs", 1))
        frames += [_predict_rate(f, horizon_days, self.weekly_profile, self.z) for f in chosen
                   if f.method != "prophet"]
        out = pd.concat(frames, ignore_index=True)
        for col in ("yhat", "yhat_lower", "yhat_upper"):
            out[col] = out[col].clip(lower=0.0)
        return out[COLUMNS].sort_values(["sku", "ds"], ignore_index=True)

    @property
    def z(self) -> float:
        return float(norm.ppf(0.5 + self.params.get("interval_width", 0.8) / 2))


def horizon_dates(last_date: pd.Timestamp, horizon_days: int) -> pd.DatetimeIndex:
    return pd.date_range(last_date + pd.Timedelta(days=1), periods=horizon_days, freq="D")


def _predict_rate(f: SkuFit, horizon_days: int, profile: np.ndarray, z: float) -> pd.DataFrame:
    dates = horizon_dates(f.last_date, horizon_days)
    yhat = f.fit.rate * profile[dates.dayofweek.to_numpy()]
    return pd.DataFrame({"sku": f.sku, "ds": dates, "yhat": yhat, "yhat_lower": yhat - z * f.sigma,
                         "yhat_upper": yhat + z * f.sigma})


def _predict_prophets(fits, *, horizon_days: int, future: pd.DataFrame | None) -> list[pd.DataFrame]:
    out = []
    for f in fits:
        mine = None
        if future is not None and len(future):
            mine = future[future["sku"] == f.sku].set_index("ds")
        frame = predict_prophet(f.fit, horizon_dates(f.last_date, horizon_days), mine)
        frame.insert(0, "sku", f.sku)
        out.append(frame)
    return out
