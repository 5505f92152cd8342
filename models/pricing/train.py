"""`fit(frame, params)`: category and SKU price elasticities from daily sales, as a `PricingModel`.

Stage 1 fits one elasticity per category with SKU fixed effects and the controls of design.py (Poisson, SKU
effects profiled out). Stage 2 pools the category estimates toward their common mean and each SKU's own price
response toward its category (shrink.py), so a SKU with two price changes does not get an extreme elasticity.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from models.base import EmptyTrainingData
from models.pricing.columns import latest, usable, validate
from models.pricing.design import DesignSpec
from models.pricing.model import PricingModel
from models.pricing.poisson import fit_fe_poisson, profile_mu
from models.pricing.shrink import pool, shrink_deviations

DEFAULT_PARAMS: dict[str, Any] = {
    "ramp_days": 28,          # days after launch left out: demand is still ramping up, not reacting to price
    "controls": True,         # seasonality, trend and promotion controls (False only to show they matter)
    "min_price_info": 1e-4,   # sum of squared within-SKU log-price moves below which a category has no estimate
    # Cap on how far SKUs of one category may differ in elasticity: a SKU's own slope is confounded by its own
    # demand drift (no per-SKU trend here), which would otherwise pass for real SKU-to-SKU differences.
    "max_sku_tau": 0.25,
    "max_change": 0.10,       # suggestions stay within ±10 % of the current price
    "min_margin": 0.10,       # ... and at least 10 % above unit cost
}


def _training_rows(frame: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    df = validate(frame)
    rows = df[usable(df, int(params["ramp_days"]))]
    if rows.empty:
        raise EmptyTrainingData("pricing: every row is a stock-out or launch ramp-up day; nothing measures demand")
    sold = rows.groupby("sku")["units"].transform("sum")
    rows = rows[sold > 0].reset_index(drop=True)  # a SKU that never sold says nothing about price response
    if rows.empty:
        raise EmptyTrainingData("pricing: no SKU sold a single unit in the training window")
    return rows


def _sku_deviations(rows, lp, y, mu, groups, n_groups, dispersion, max_tau2):
    """One Newton step of each SKU's own slope away from its category's, with its variance."""
    total = np.bincount(groups, weights=y, minlength=n_groups)
    score = np.bincount(groups, weights=lp * (y - mu), minlength=n_groups)
    m_lp = np.bincount(groups, weights=mu * lp, minlength=n_groups)
    info = np.bincount(groups, weights=mu * lp ** 2, minlength=n_groups) - m_lp ** 2 / total
    has = info > 1e-9
    dev = np.where(has, score / np.where(has, info, 1.0), np.nan)
    var = np.where(has, dispersion / np.where(has, info, 1.0), np.inf)
    return shrink_deviations(dev, var, max_tau2), info


def fit(frame: pd.DataFrame, params: dict[str, Any] | None = None) -> PricingModel:
    params = {**DEFAULT_PARAMS, **(params or {})}
    rows = _training_rows(frame, params)
    spec = DesignSpec.from_frame(rows, controls=bool(params["controls"]))
    lp, y = spec.log_price(rows), rows["units"].to_numpy(dtype=float)
    sku_codes, skus = pd.factorize(rows["sku"])
    cat = spec.category_codes(rows)
    price_info = np.bincount(cat, weights=lp ** 2, minlength=len(spec.categories))
    slope_cats = np.flatnonzero(price_info > float(params["min_price_info"]))
    X = sparse.hstack([spec.slope_matrix(rows, lp)[:, slope_cats], spec.controls_matrix(rows)], format="csr")
    res = fit_fe_poisson(X, y, sku_codes)
    k = len(slope_cats)
    raw, raw_var = np.full(len(spec.categories), np.nan), np.full(len(spec.categories), np.inf)
    raw[slope_cats], raw_var[slope_cats] = res.beta[:k], np.diag(res.cov)[:k]
    cats = pool(raw, raw_var)
    mu = profile_mu(np.asarray(X @ res.beta).ravel(), y, sku_codes, len(skus))
    (dev, dev_var, sku_tau2), info = _sku_deviations(rows, lp, y, mu, sku_codes, len(skus), res.dispersion,
                                                     float(params["max_sku_tau"]) ** 2)
    sku_cat = cat[np.unique(sku_codes, return_index=True)[1]]
    sku_e, sku_var = cats.estimate[sku_cat] + dev, cats.variance[sku_cat] + dev_var
    controls = pd.Series(res.beta[k:], index=spec.control_names, dtype=float)
    alpha = _sku_levels(spec, rows, controls, sku_e[sku_codes], y, sku_codes, len(skus))
    category_table = pd.DataFrame({
        "category_id": list(spec.categories), "elasticity": cats.estimate, "se": np.sqrt(cats.variance),
        "raw_elasticity": raw, "raw_se": np.sqrt(raw_var), "pooled": cats.pooled,
        "units": np.bincount(cat, weights=y, minlength=len(spec.categories)).astype(int)})
    sku_table = pd.DataFrame({
        "sku": list(skus), "category_id": [spec.categories[c] for c in sku_cat], "elasticity": sku_e,
        "se": np.sqrt(sku_var), "units": np.bincount(sku_codes, weights=y).astype(int),
        "price_points": rows.groupby("sku", sort=False)["price_minor"].nunique().to_numpy()})
    return PricingModel(spec=spec, controls=controls, categories=category_table, skus=sku_table,
                        sku_level=dict(zip(skus, alpha)), current=latest(validate(frame)), params=params,
                        diagnostics={"dispersion": res.dispersion, "iterations": res.iterations,
                                     "category_tau": float(np.sqrt(cats.tau2)), "sku_tau": float(np.sqrt(sku_tau2)),
                                     "prior_elasticity": cats.prior_mean, "rows": len(rows)})


def _sku_levels(spec, rows, controls, elasticity_per_row, y, groups, n_groups) -> np.ndarray:
    """Each SKU's demand level (log scale) given the final elasticities, so predictions add up in training."""
    eta = np.asarray(spec.controls_matrix(rows) @ controls.to_numpy()).ravel()
    eta = eta + elasticity_per_row * spec.log_price(rows)
    mu = profile_mu(eta, y, groups, n_groups)
    return np.log(np.bincount(groups, weights=mu, minlength=n_groups)) - np.log(
        np.bincount(groups, weights=np.exp(eta), minlength=n_groups))
