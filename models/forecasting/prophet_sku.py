"""One SKU's Prophet: weekly seasonality, yearly only with enough history, promo and price regressors when they
vary. The fitted model is kept as Prophet's own JSON (prophet.serialize) because a live Prophet object may hold a
Stan backend that the standard pickle module cannot carry."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

logging.getLogger("prophet.plot").disabled = True  # plotly is not installed and not needed: silence the warning
from prophet import Prophet  # noqa: E402
from prophet.serialize import model_from_json, model_to_json

from models.forecasting.intermittent import daily_sigma  # noqa: E402

logging.getLogger("cmdstanpy").disabled = True  # one INFO line per fit otherwise, thousands per run
REGRESSORS = ("promo", "price")


@dataclass(frozen=True)
class ProphetFit:
    model_json: str
    regressors: tuple[str, ...]
    last_price: float
    sigma: float


def _regressors(history: pd.DataFrame) -> tuple[str, ...]:
    """Only regressors that vary in this SKU's history: a constant column carries no signal to learn from."""
    return tuple(c for c in REGRESSORS if c in history and history[c].notna().all() and history[c].nunique() > 1)


def fit_prophet(history: pd.DataFrame, params: dict) -> ProphetFit:
    """`history`: ds, y (+ promo, price) of one SKU, daily and gap-free."""
    regressors = _regressors(history)
    yearly = len(history) >= params["yearly_min_days"]
    model = Prophet(weekly_seasonality=True, yearly_seasonality=yearly, daily_seasonality=False,
                    interval_width=params["interval_width"], uncertainty_samples=params["uncertainty_samples"],
                    changepoint_prior_scale=params["changepoint_prior_scale"])
    for name in regressors:
        model.add_regressor(name)
    frame = history[["ds", "y", *regressors]]
    model.fit(frame)
    fitted = model.predict(frame.drop(columns="y"))["yhat"].to_numpy()
    residual_rate = float(np.clip(fitted, 0, None).mean())
    sigma = daily_sigma(history["y"].to_numpy(dtype=float) - fitted + residual_rate, residual_rate)
    last_price = float(history["price"].iloc[-1]) if "price" in history else float("nan")
    return ProphetFit(model_to_json(model), regressors, last_price, sigma)


def predict_prophet(fit: ProphetFit, dates: pd.DatetimeIndex, future: pd.DataFrame | None = None,
                    *, seed: int = 0) -> pd.DataFrame:
    """ds, yhat, yhat_lower, yhat_upper on `dates`; regressors from `future` (ds-indexed) where given, else no
    promotion and the last known price."""
    frame = pd.DataFrame({"ds": dates})
    for name in fit.regressors:
        default = 0.0 if name == "promo" else fit.last_price
        given = future[name].reindex(dates).to_numpy() if future is not None and name in future else None
        frame[name] = default if given is None else np.where(pd.isna(given), default, given)
    # Prophet draws its bands from numpy's global generator: a fixed seed makes batch predictions reproducible.
    np.random.seed(seed)
    out = model_from_json(fit.model_json).predict(frame)[["ds", "yhat", "yhat_lower", "yhat_upper"]]
    return out
