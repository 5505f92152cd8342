"""The fallback for SKUs Prophet cannot serve: TSB (Teunter, Syntetos & Babai 2011) on daily units.

Why TSB over Croston/SBA: it updates the demand probability every day, not only on sale days, so a SKU that stops
selling decays towards zero instead of keeping its last rate forever (obsolete stock is common in a marketplace).
The forecast is a flat expected rate per day; a pooled weekly profile (train.py) reshapes it by weekday.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RateFit:
    """Expected units per day and the spread of daily demand around it (for bands and safety stock)."""
    rate: float
    sigma: float


def tsb(y: np.ndarray, *, alpha: float = 0.1, beta: float = 0.1) -> RateFit:
    """Smooth demand size (alpha, on sale days) and sale probability (beta, every day); rate = prob × size."""
    y = np.nan_to_num(np.asarray(y, dtype=float), nan=0.0)
    if y.size == 0 or not (y > 0).any():
        return RateFit(0.0, 0.0)
    # Whole-history averages as the start: with a few days of history the smoothing barely moves from here.
    size, prob = float(y[y > 0].mean()), float((y > 0).mean())
    for value in y:
        occurred = value > 0
        prob += beta * (float(occurred) - prob)
        if occurred:
            size += alpha * (value - size)
    rate = prob * size
    return RateFit(rate, daily_sigma(y, rate))


def daily_sigma(y: np.ndarray, rate: float, *, window: int = 90) -> float:
    """Root mean squared deviation of recent daily demand from the rate; at least the Poisson spread sqrt(rate),
    so a SKU with a quiet recent past still gets a safety stock."""
    recent = y[-window:]
    spread = float(np.sqrt(np.mean((recent - rate) ** 2))) if recent.size else 0.0
    return max(spread, float(np.sqrt(max(rate, 0.0))))


def seasonal_naive(y: np.ndarray, horizon: int, *, period: int = 7) -> np.ndarray:
    """The baseline: the last `period` days repeated over the horizon (zeros where history is shorter)."""
    y = np.nan_to_num(np.asarray(y, dtype=float), nan=0.0)
    last = np.zeros(period)
    tail = y[-period:]
    last[period - tail.size:] = tail
    # Day t of the horizon repeats the observation exactly `period` days (or a multiple) before it.
    return np.array([last[i % period] for i in range(horizon)])
