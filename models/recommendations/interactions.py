"""Turning an outside interactions frame into the indexed, weighted matrix the strategies share.

Ids may be str or int and come back in the caller's type, so the index keeps the original values (as numpy
arrays, which pickle and `.tolist()` back to plain Python values) instead of converting them to strings.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from models.base import EmptyTrainingData

REQUIRED = ("user_id", "item_id", "weight")


@dataclass
class IdIndex:
    """Original ids ↔ dense row numbers."""
    values: np.ndarray

    @classmethod
    def of(cls, ids: pd.Series) -> "IdIndex":
        return cls(pd.unique(ids.to_numpy()))

    def __len__(self) -> int:
        return len(self.values)

    def lookup(self) -> dict:
        return {v: i for i, v in enumerate(self.values.tolist())}

    def positions(self, ids: pd.Series) -> np.ndarray:
        """Row numbers of `ids`; -1 for ids this index has never seen."""
        return pd.Index(self.values).get_indexer(ids.to_numpy())


@dataclass
class Interactions:
    frame: pd.DataFrame  # user_id, item_id, weight, ts (float seconds, NaN when unknown), u, i
    users: IdIndex
    items: IdIndex

    def matrix(self) -> sp.csr_matrix:
        """users × items, summed weights (repeat views add up: they are evidence of stronger interest)."""
        m = sp.csr_matrix((self.frame["weight"].to_numpy(np.float32),
                           (self.frame["u"].to_numpy(), self.frame["i"].to_numpy())),
                          shape=(len(self.users), len(self.items)))
        m.sum_duplicates()
        return m


def to_seconds(ts: pd.Series) -> np.ndarray:
    """Datetimes (aware or naive) or numbers → float seconds; anything unparseable becomes NaN."""
    if pd.api.types.is_numeric_dtype(ts):
        return ts.astype(float).to_numpy()
    parsed = pd.to_datetime(ts, utc=True, errors="coerce")
    seconds = parsed.astype("int64").astype(float) / 1e9
    return np.where(parsed.isna(), np.nan, seconds)


def prepare(interactions: pd.DataFrame | None) -> Interactions:
    """Validate and index; raises EmptyTrainingData when there is nothing to learn from."""
    if interactions is None or len(interactions) == 0:
        raise EmptyTrainingData("no interactions to train recommendations on: the frame is empty")
    missing = [c for c in REQUIRED if c not in interactions.columns]
    if missing:
        raise ValueError(f"interactions need columns {REQUIRED}; missing {missing}")
    frame = interactions.loc[interactions["user_id"].notna() & interactions["item_id"].notna()]
    frame = frame.assign(weight=pd.to_numeric(frame["weight"], errors="coerce"))
    frame = frame.loc[frame["weight"] > 0]
    if frame.empty:
        raise EmptyTrainingData("no interactions with a user, an item and a positive weight to train on")
    ts = to_seconds(frame["ts"]) if "ts" in frame.columns else np.full(len(frame), np.nan)
    users, items = IdIndex.of(frame["user_id"]), IdIndex.of(frame["item_id"])
    out = pd.DataFrame({"user_id": frame["user_id"].to_numpy(), "item_id": frame["item_id"].to_numpy(),
                        "weight": frame["weight"].to_numpy(float), "ts": ts,
                        "u": users.positions(frame["user_id"]), "i": items.positions(frame["item_id"])})
    return Interactions(out, users, items)
