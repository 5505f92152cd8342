"""Interactions with planted structure, for tests and the benchmark: users belong to taste groups, items to
categories aligned with the groups, item popularity is skewed inside each category, and items come in pairs
that are bought together (partners share a category, so baskets agree with taste). A recommender that learns
anything should beat popularity on this; one that does not, should not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY = 86_400


@dataclass(frozen=True)
class Planted:
    interactions: pd.DataFrame  # user_id, item_id, weight, ts, basket
    items: pd.DataFrame  # item_id, category
    user_group: dict  # user_id -> group (= the category they mostly take from)


def planted(n_users: int = 400, n_items: int = 160, groups: int = 4, per_user: int = 24, *, on_taste: float = 0.85,
            days: int = 60, seed: int = 0, str_ids: bool = True) -> Planted:
    rng = np.random.default_rng(seed)
    item_group = np.arange(n_items) % groups
    appeal = rng.zipf(1.6, n_items).clip(max=50).astype(float)  # bestsellers exist inside every category
    user_group = rng.integers(0, groups, n_users)
    users = np.repeat(np.arange(n_users), per_user)
    own = rng.random(len(users)) < on_taste
    items = np.where(own, _draw(rng, appeal, item_group, user_group[users]), _draw(rng, appeal, None, users))
    ts = rng.integers(0, days * DAY, len(users)).astype(float)
    frame = pd.DataFrame({"user_id": users, "item_id": items, "weight": 1.0, "ts": ts, "basket": None})
    frame = pd.concat([frame, _pairs(frame, rng, groups)], ignore_index=True)
    item_ids = _ids("i", n_items, str_ids)
    user_ids = _ids("u", n_users, str_ids)
    frame["user_id"], frame["item_id"] = user_ids[frame["user_id"]], item_ids[frame["item_id"]]
    catalog = pd.DataFrame({"item_id": item_ids, "category": [f"cat{g}" for g in item_group]})
    return Planted(frame, catalog, dict(zip(user_ids.tolist(), user_group.tolist())))


def _draw(rng, appeal: np.ndarray, item_group: np.ndarray | None, want: np.ndarray) -> np.ndarray:
    """One item per entry of `want`: within the wanted group ∝ appeal, or from the whole catalog when
    item_group is None."""
    if item_group is None:
        return rng.choice(len(appeal), size=len(want), p=appeal / appeal.sum())
    out = np.empty(len(want), dtype=int)
    for g in np.unique(want):
        pool = np.flatnonzero(item_group == g)
        mask = want == g
        out[mask] = rng.choice(pool, size=mask.sum(), p=appeal[pool] / appeal[pool].sum())
    return out


def partner_of(item: np.ndarray | int, groups: int) -> np.ndarray | int:
    """Item i's basket partner: i ± groups, which keeps i % groups (its category)."""
    return np.where((np.asarray(item) // groups) % 2 == 0, np.asarray(item) + groups, np.asarray(item) - groups)


def _pairs(frame: pd.DataFrame, rng, groups: int) -> pd.DataFrame:
    """A third of interactions were orders holding the item and its partner, weighted as purchases."""
    bought = frame.sample(frac=0.33, random_state=int(rng.integers(1 << 30))).copy()
    bought["basket"] = [f"o{n}" for n in range(len(bought))]
    partner = bought.assign(item_id=partner_of(bought["item_id"].to_numpy(), groups))
    out = pd.concat([bought, partner], ignore_index=True)
    n_items = int(frame["item_id"].max()) + 1
    return out.loc[out["item_id"] < n_items].assign(weight=3.0)


def _ids(prefix: str, n: int, as_str: bool) -> np.ndarray:
    return np.array([f"{prefix}{k}" for k in range(n)], dtype=object) if as_str else np.arange(n) + 1000


def large(n_interactions: int, n_users: int, n_items: int, seed: int = 0) -> pd.DataFrame:
    """Benchmark-sized interactions (ids as ints, skewed item popularity), built without Python loops."""
    rng = np.random.default_rng(seed)
    appeal = rng.zipf(1.3, n_items).clip(max=10_000).astype(float)
    items = rng.choice(n_items, size=n_interactions, p=appeal / appeal.sum())
    users = rng.integers(0, n_users, n_interactions)
    return pd.DataFrame({"user_id": users, "item_id": items, "weight": 1.0,
                         "ts": rng.integers(0, 90 * DAY, n_interactions).astype(float)})
