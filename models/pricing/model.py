"""The trained pricing model: elasticities (per category and SKU, each with a standard error), expected units at
any price, and bounded price suggestions. A plain dataclass of frames and floats, so it pickles as is."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models.pricing.columns import validate
from models.pricing.design import DesignSpec
from models.pricing.suggest import confidence, suggest_prices


@dataclass
class PricingModel:
    spec: DesignSpec
    controls: pd.Series  # coefficient per control column
    categories: pd.DataFrame  # category_id, elasticity, se, raw_elasticity, raw_se, pooled, units
    skus: pd.DataFrame  # sku, category_id, elasticity, se, units, price_points
    sku_level: dict[str, float]  # log demand level per SKU (its fixed effect)
    current: pd.DataFrame  # each SKU's last seen price, compare-at price, cost, category
    params: dict[str, Any]
    diagnostics: dict[str, float] = field(default_factory=dict)

    @property
    def category_elasticity(self) -> dict[str, float]:
        return dict(zip(self.categories["category_id"], self.categories["elasticity"].astype(float)))

    @property
    def elasticities(self) -> pd.DataFrame:
        """Per SKU: elasticity, se, confidence, units, price_points (SKUs that sold in training)."""
        out = self.skus.copy()
        out["confidence"] = confidence(out["elasticity"], out["se"])
        return out

    def elasticity_for(self, skus: pd.Series, categories: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """(elasticity, se) per row: the SKU's own, else its category's, else the pooled prior."""
        by_sku = self.skus.set_index("sku")
        by_cat = self.categories.set_index("category_id")
        prior = float(self.diagnostics.get("prior_elasticity", -1.0))
        prior_se = float(by_cat["se"].max()) if len(by_cat) else 1.0
        e = skus.map(by_sku["elasticity"]).fillna(categories.map(by_cat["elasticity"])).fillna(prior)
        se = skus.map(by_sku["se"]).fillna(categories.map(by_cat["se"])).fillna(prior_se)
        return e.to_numpy(dtype=float), se.to_numpy(dtype=float)

    def predict_units(self, frame: pd.DataFrame) -> np.ndarray:
        """Expected units per row (sku, category_id, ds, price_minor, promo); 0 for SKUs never sold in training."""
        rows = frame.reset_index(drop=True).assign(_row=np.arange(len(frame)))
        df = validate(rows if "units" in rows else rows.assign(units=0), what="prediction")
        e, _ = self.elasticity_for(df["sku"], df["category_id"])
        eta = np.asarray(self.spec.controls_matrix(df) @ self.controls.to_numpy()).ravel()
        eta = eta + e * self.spec.log_price(df)
        level = df["sku"].map(self.sku_level).to_numpy(dtype=float)
        out = np.empty(len(df))
        out[df["_row"].to_numpy()] = np.where(np.isnan(level), 0.0, np.exp(np.nan_to_num(level) + eta))
        return out

    def suggest(self, frame: pd.DataFrame | None = None, **bounds: Any) -> pd.DataFrame:
        """Price suggestions (see suggest.py for the columns) for `frame`'s SKUs, by default every SKU seen."""
        frame = self.current if frame is None else frame
        categories = frame["category_id"] if "category_id" in frame else pd.Series([None] * len(frame))
        e, se = self.elasticity_for(frame["sku"].astype(str), categories.astype(str))
        limits = {"max_change": self.params["max_change"], "min_margin": self.params["min_margin"], **bounds}
        return suggest_prices(frame, e, se, **limits)
