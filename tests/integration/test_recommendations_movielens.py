"""The real-data check: MovieLens 100k (shipped under STACK_DIR/data), per-user 75/25 split, P@10 of unseen items.
Hyperparameters are fixed in train.DEFAULT_PARAMS (chosen on a validation split of the training part)."""
from __future__ import annotations

import pytest

from models.recommendations import movielens


@pytest.fixture(scope="module")
def figures():
    if not movielens.ratings_path().exists():
        pytest.fail(f"MovieLens 100k missing at {movielens.ratings_path()}: run the install (mkt stack up)")
    return movielens.run()


def test_model_beats_popularity_clearly_on_movielens(figures):
    print(f"\nMovieLens 100k P@10 model {figures['precision_at_10']:.4f} "
          f"popularity {figures['baseline_precision_at_10']:.4f}")
    assert figures["users"] == 943
    assert figures["precision_at_10"] >= 1.5 * figures["baseline_precision_at_10"]
    assert figures["precision_at_10"] >= 0.35  # the published range for this protocol is about 0.33–0.35
    assert figures["ndcg_at_10"] > figures["baseline_ndcg_at_10"]
    assert figures["coverage_at_10"] > 3 * figures["baseline_coverage_at_10"]
