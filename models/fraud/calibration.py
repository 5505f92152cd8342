"""From raw booster output to a probability, and from probabilities to approve / review / reject.

Both are fitted on the calibration slice of the training window (train.py), never on the hold-out.
Platt scaling is the default: two parameters are all ~50 fraud cases can support, and being strictly monotone it
keeps the model's ranking (isotonic steps would tie the riskiest orders together). Isotonic is available.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.log(p / (1 - p)).reshape(-1, 1)


class Calibrator:
    """A probability from a raw score, monotone non-decreasing, within [0, 1]."""

    def __init__(self, method: str = "platt") -> None:
        if method not in ("platt", "isotonic"):
            raise ValueError(f"calibration must be 'platt' or 'isotonic', got {method!r}")
        self.method = method
        self._fitted = None

    def fit(self, raw: np.ndarray, y: np.ndarray) -> "Calibrator":
        if self.method == "platt":
            # A large C: the calibration slice should decide the slope, not the regulariser.
            self._fitted = LogisticRegression(C=1e4).fit(_logit(raw), np.asarray(y, dtype=int))
        else:
            self._fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, y)
        return self

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        if self.method == "platt":
            return self._fitted.predict_proba(_logit(raw))[:, 1]
        return np.clip(self._fitted.predict(np.asarray(raw, dtype=float)), 0.0, 1.0)


@dataclass(frozen=True)
class Thresholds:
    """score >= reject → reject; score >= review → review; else approve. `achieved` holds what they gave on the
    validation slice they were chosen on (recall and false-positive rate of each)."""
    review: float
    reject: float
    target: dict[str, float]
    achieved: dict[str, float]

    def decide(self, score: np.ndarray) -> np.ndarray:
        score = np.asarray(score, dtype=float)
        return np.where(score >= self.reject, "reject", np.where(score >= self.review, "review", "approve"))


def _rates(score: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float]:
    flagged = score >= t
    return float(flagged[y == 1].mean()), float(flagged[y == 0].mean())


def _curve(score: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every distinct cut, strictest first, with the recall and false-positive rate of `score >= cut`."""
    cuts = np.unique(score)[::-1]
    ascending = np.sort(score[y == 1]), np.sort(score[y == 0])
    flagged = [len(s) - np.searchsorted(s, cuts, side="left") for s in ascending]
    return cuts, flagged[0] / max(len(ascending[0]), 1), flagged[1] / max(len(ascending[1]), 1)


def choose_thresholds(score: np.ndarray, y: np.ndarray, reject_fpr: float = 0.01, review_recall: float = 0.9,
                      review_fpr: float = 0.01, review_max_fpr: float = 0.1) -> Thresholds:
    """Reject: the strictest cut that still catches all the fraud catchable with at most `reject_fpr` of good
    orders flagged (no good order rejected for nothing). Review: the queue takes up to `review_fpr` of good
    orders, more when needed to reach `review_recall`, but never past `review_max_fpr` (the queue's capacity; when
    the target is out of reach the queue works at capacity). Review <= reject."""
    score, y = np.asarray(score, dtype=float), np.asarray(y, dtype=int)
    cuts, recall, fpr = _curve(score, y)
    above = float(cuts[0]) + _EPS  # flags nothing: where a target cannot be met at all
    within = fpr <= reject_fpr
    reject = float(cuts[within & (recall >= recall[within].max())].max()) if within.any() else above
    affordable = fpr <= review_max_fpr
    reaching = affordable & (recall >= review_recall)
    budget = fpr <= review_fpr
    review = float(cuts[budget].min()) if budget.any() else above
    if reaching.any():
        review = min(review, float(cuts[reaching].max()))
    elif affordable.any():  # the target is out of reach: the queue works at its capacity
        review = min(review, float(cuts[affordable].min()))
    review = min(review, reject)
    rej_recall, rej_fpr = _rates(score, y, reject)
    rev_recall, rev_fpr = _rates(score, y, review)
    target = {"reject_fpr": reject_fpr, "review_recall": review_recall, "review_fpr": review_fpr,
              "review_max_fpr": review_max_fpr}
    return Thresholds(review, reject, target, {"reject_recall": rej_recall, "reject_fpr": rej_fpr,
                                               "review_recall": rev_recall, "review_fpr": rev_fpr})
