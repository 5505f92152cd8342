"""Turns SKU-day rows into the regression's columns, the same way for training and for any later frame.

log E[units] = a_sku + elasticity_category * lp + promo + day-of-week + month + trend
               + per-category yearly season (cos, sin of the day of year)
lp is log(price) minus the SKU's mean log training price, so a SKU's own price moves (not the gap between
cheap and dear SKUs, which the fixed effect a_sku absorbs) identify the elasticity. The controls are there
because promotions and seasons move price and demand together: without them a promo's visibility lift or a
holiday peak would be read as price response.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

YEAR_DAYS = 365.25


@dataclass(frozen=True)
class DesignSpec:
    categories: tuple[str, ...]
    months: tuple[int, ...]  # months seen in training except the first (the reference)
    origin: pd.Timestamp
    sku_ref_logp: dict[str, float] = field(default_factory=dict)
    controls: bool = True

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, controls: bool = True) -> "DesignSpec":
        logp = np.log(frame["price_minor"].to_numpy(dtype=float))
        ref = pd.Series(logp).groupby(frame["sku"].to_numpy()).mean()
        months = sorted(frame["ds"].dt.month.unique().tolist())
        return cls(tuple(sorted(frame["category_id"].unique())), tuple(months[1:]), frame["ds"].min(),
                   {str(k): float(v) for k, v in ref.items()}, controls)

    @property
    def control_names(self) -> list[str]:
        if not self.controls:
            return []
        return (["promo", "trend"] + [f"dow_{d}" for d in range(1, 7)] + [f"month_{m}" for m in self.months]
                + [f"season_{k}_{c}" for c in self.categories for k in ("cos", "sin")])

    def category_codes(self, frame: pd.DataFrame) -> np.ndarray:
        """Index into `categories`, -1 for a category unseen in training."""
        lookup = {c: i for i, c in enumerate(self.categories)}
        return frame["category_id"].map(lookup).fillna(-1).astype(int).to_numpy()

    def log_price(self, frame: pd.DataFrame) -> np.ndarray:
        """log(price) relative to the SKU's training mean; an unseen SKU is centred on its own mean."""
        logp = np.log(frame["price_minor"].to_numpy(dtype=float))
        ref = frame["sku"].map(self.sku_ref_logp)
        own = pd.Series(logp, index=frame.index).groupby(frame["sku"]).transform("mean")
        return logp - ref.fillna(own).to_numpy(dtype=float)

    def controls_matrix(self, frame: pd.DataFrame) -> sparse.csr_matrix:
        n = len(frame)
        if not self.controls:
            return sparse.csr_matrix((n, 0))
        ds = frame["ds"]
        blocks = [sparse.csr_matrix(frame["promo"].to_numpy(dtype=float)[:, None]),
                  sparse.csr_matrix(((ds - self.origin).dt.days.to_numpy(dtype=float) / YEAR_DAYS)[:, None]),
                  _one_hot(ds.dt.dayofweek.to_numpy(), list(range(1, 7))),
                  _one_hot(ds.dt.month.to_numpy(), list(self.months))]
        angle = 2 * np.pi * ds.dt.dayofyear.to_numpy(dtype=float) / YEAR_DAYS
        cat = self.category_codes(frame)
        rows = np.flatnonzero(cat >= 0)
        waves = np.column_stack([np.cos(angle), np.sin(angle)])[rows]
        cols = (2 * cat[rows])[:, None] + np.arange(2)[None, :]
        season = sparse.csr_matrix((waves.ravel(), (np.repeat(rows, 2), cols.ravel())),
                                   shape=(n, 2 * len(self.categories)))
        return sparse.hstack(blocks + [season], format="csr")

    def slope_matrix(self, frame: pd.DataFrame, lp: np.ndarray) -> sparse.csr_matrix:
        """lp in the column of the row's category: one elasticity per category."""
        cat = self.category_codes(frame)
        rows = np.flatnonzero(cat >= 0)
        return sparse.csr_matrix((lp[rows], (rows, cat[rows])), shape=(len(frame), len(self.categories)))


def _one_hot(values: np.ndarray, levels: list[int]) -> sparse.csr_matrix:
    col = {v: i for i, v in enumerate(levels)}
    idx = np.array([col.get(int(v), -1) for v in values])
    rows = np.flatnonzero(idx >= 0)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, idx[rows])), shape=(len(values), len(levels)))
