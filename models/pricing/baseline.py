"""Baselines measured in the same run as the model, on the same rows.

NaiveLogLog is the textbook mistake the model exists to avoid: per category, OLS of log(units) on log(price)
over SKU-days with sales, with no SKU fixed effects (so it compares cheap SKUs with dear ones) and no
promotion or season controls (so a promotion's visibility lift reads as price response). SkuMeanRate ignores
price altogether (each SKU's mean daily units): the bar for hold-out unit predictions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.pricing.columns import usable, validate


def _ols_slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(intercept, slope); slope 0 when x does not vary."""
    if len(x) < 2 or np.ptp(x) == 0:
        return float(np.mean(y)) if len(y) else 0.0, 0.0
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)


@dataclass
class NaiveLogLog:
    fits: dict[str, tuple[float, float]]  # category -> (intercept, slope)
    smear: float  # Duan's smearing factor: exp(mean log error) understates the mean

    @classmethod
    def fit(cls, frame: pd.DataFrame, ramp_days: int = 28) -> "NaiveLogLog":
        df = validate(frame)
        df = df[usable(df, ramp_days) & (df["units"] > 0)]
        fits, resid = {}, []
        for cat, rows in df.groupby("category_id"):
            x, y = np.log(rows["price_minor"].to_numpy(float)), np.log(rows["units"].to_numpy(float))
            fits[str(cat)] = _ols_slope(x, y)
            resid.append(y - (fits[str(cat)][0] + fits[str(cat)][1] * x))
        smear = float(np.mean(np.exp(np.concatenate(resid)))) if resid else 1.0
        return cls(fits, smear)

    @property
    def category_elasticity(self) -> dict[str, float]:
        return {cat: slope for cat, (_, slope) in self.fits.items()}

    def predict_units(self, frame: pd.DataFrame) -> np.ndarray:
        """Units on a day *with* sales: it never learnt that most days sell nothing."""
        coef = frame["category_id"].astype(str).map(self.fits)
        a = coef.map(lambda c: c[0] if isinstance(c, tuple) else 0.0).to_numpy(float)
        b = coef.map(lambda c: c[1] if isinstance(c, tuple) else 0.0).to_numpy(float)
        return self.smear * np.exp(a + b * np.log(frame["price_minor"].to_numpy(float)))


@dataclass
class SkuMeanRate:
    rate: dict[str, float]

    @classmethod
    def fit(cls, frame: pd.DataFrame, ramp_days: int = 28) -> "SkuMeanRate":
        df = validate(frame)
        df = df[usable(df, ramp_days)]
        return cls({str(k): float(v) for k, v in df.groupby("sku")["units"].mean().items()})

    def predict_units(self, frame: pd.DataFrame) -> np.ndarray:
        return frame["sku"].astype(str).map(self.rate).fillna(0.0).to_numpy(float)
