"""Partial pooling of noisy elasticities (empirical Bayes, random-effects meta-analysis).

Each category's estimate is pulled toward the precision-weighted mean of all categories, more so the noisier
it is; the spread of true category elasticities (tau^2) is estimated from the estimates themselves
(DerSimonian-Laird). A category without price variation has no estimate of its own and gets the pooled mean
with the pooled uncertainty. SKUs are pooled toward their category the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Pooled:
    estimate: np.ndarray
    variance: np.ndarray
    prior_mean: float
    tau2: float
    pooled: np.ndarray  # True where no own estimate existed (the prior alone)


def between_variance(est: np.ndarray, var: np.ndarray) -> tuple[float, float]:
    """(precision-weighted mean, DerSimonian-Laird tau^2) of estimates with known variances."""
    w = 1.0 / var
    mean = float(np.sum(w * est) / np.sum(w))
    if len(est) < 2:
        return mean, 0.0
    q = float(np.sum(w * (est - mean) ** 2))
    denom = float(np.sum(w) - np.sum(w ** 2) / np.sum(w))
    return mean, max(0.0, (q - (len(est) - 1)) / denom) if denom > 0 else 0.0


def pool(est: np.ndarray, var: np.ndarray, *, fallback_mean: float = -1.0, fallback_var: float = 1.0) -> Pooled:
    """Shrink `est` (NaN or infinite `var` = no own estimate) toward their common mean."""
    own = np.isfinite(est) & np.isfinite(var) & (var > 0)
    if not own.any():
        n = len(est)
        return Pooled(np.full(n, fallback_mean), np.full(n, fallback_var), fallback_mean, fallback_var, ~own)
    mean, tau2 = between_variance(est[own], var[own])
    mean_var = 1.0 / np.sum(1.0 / (var[own] + tau2))
    out, out_var = np.full(len(est), mean), np.full(len(est), tau2 + mean_var)
    keep = tau2 / (tau2 + var[own])  # the share of its own estimate a category keeps
    out[own] = mean + keep * (est[own] - mean)
    out_var[own] = keep * var[own] + (1 - keep) ** 2 * mean_var
    return Pooled(out, out_var, mean, tau2, ~own)


def shrink_deviations(dev: np.ndarray, var: np.ndarray,
                      max_tau2: float = np.inf) -> tuple[np.ndarray, np.ndarray, float]:
    """SKU deviations from their category's elasticity, pulled toward 0: (deviation, variance, tau^2)."""
    own = np.isfinite(dev) & np.isfinite(var) & (var > 0)
    if not own.any():
        return np.zeros(len(dev)), np.zeros(len(dev)), 0.0
    tau2 = min(between_variance(dev[own], var[own])[1], max_tau2)
    out, out_var = np.zeros(len(dev)), np.full(len(dev), tau2)
    keep = tau2 / (tau2 + var[own])
    out[own], out_var[own] = keep * dev[own], keep * var[own]
    return out, out_var, tau2
