"""The real-data check: MovieLens 100k, per-user random 75/25 split, top-10 of unseen items, P@10.

    .venv/bin/python -m models.recommendations.movielens            # the figures on the test part
    .venv/bin/python -m models.recommendations.movielens --validate # the same on a validation split of train

Every rating counts as an implicit interaction (weight 1), the usual reading of this protocol. The
hyperparameters in train.DEFAULT_PARAMS were picked with --validate (a 75/25 per-user split of the training
part, seed 1); the test part is only ever scored.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kernel.settings import common_settings
from models.recommendations.evaluate import popularity_recommendations, ranking_report
from models.recommendations.train import train

TEST_SHARE = 0.25


def ratings_path() -> Path:
    return common_settings().stack_dir / "data" / "ml-100k" / "ml-100k.inter"


def load_ratings(path: Path | None = None) -> pd.DataFrame:
    frame = pd.read_csv(path or ratings_path(), sep="\t")
    frame.columns = [c.split(":")[0] for c in frame.columns]
    return pd.DataFrame({"user_id": frame["user_id"], "item_id": frame["item_id"],
                         "weight": 1.0, "ts": frame["timestamp"].astype(float)})


def per_user_split(frame: pd.DataFrame, share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each user's rows in random order; the last `share` of them (rounded down, at least one) are test."""
    rng = np.random.default_rng(seed)
    shuffled = frame.assign(_r=rng.random(len(frame)))
    rank = shuffled.groupby("user_id")["_r"].rank(method="first")
    size = shuffled.groupby("user_id")["user_id"].transform("size")
    test = rank > np.floor(size * (1 - share))
    return frame.loc[~test.to_numpy()], frame.loc[test.to_numpy()]


def evaluate_split(train_part: pd.DataFrame, test_part: pd.DataFrame, k: int = 10) -> dict[str, float]:
    relevant = test_part.groupby("user_id")["item_id"].apply(set).to_dict()
    known = set(train_part["user_id"])
    relevant = {u: r for u, r in relevant.items() if u in known}
    started = time.perf_counter()
    model = train(train_part)
    fit_s = time.perf_counter() - started
    recs = model.recommend(list(relevant), k=k)
    catalog = train_part["item_id"].unique()
    baseline = popularity_recommendations(train_part, list(relevant), k=k)
    ours, pop = ranking_report(recs, relevant, catalog, k), ranking_report(baseline, relevant, catalog, k)
    return {**ours, **{f"baseline_{m}": v for m, v in pop.items()}, "fit_seconds": fit_s}


def run(validate: bool = False, seed: int = 0) -> dict[str, float]:
    """Figures for the model and the popularity baseline; `validate` scores a split of the training part."""
    train_part, test_part = per_user_split(load_ratings(), TEST_SHARE, seed)
    if validate:
        train_part, test_part = per_user_split(train_part, TEST_SHARE, seed + 1)
    return evaluate_split(train_part, test_part)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--validate", action="store_true")
    args = parser.parse_args()
    print(json.dumps(run(validate=args.validate), indent=2))


if __name__ == "__main__":
    main()
