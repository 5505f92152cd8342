"""How good a fraud score is on orders it never saw: ranking (ROC-AUC), precision where fraud is rare (PR-AUC),
and the share of fraud caught when at most 1% of good orders are flagged — for the model and the rules alike."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from models.base import Evaluation
from models.fraud.rules import RulesModel
from models.fraud.train import labels

PRIMARY = "pr_auc"  # at ~1.5% fraud, ROC-AUC flatters; the precision-recall curve is what the queue lives on


def recall_at_fpr(y: np.ndarray, score: np.ndarray, fpr: float = 0.01) -> float:
    """Share of fraud with a score strictly above the (1 - fpr) quantile of good orders' scores: ties at the cut
    count as not flagged, so a constant score catches nothing."""
    y, score = np.asarray(y, dtype=int), np.asarray(score, dtype=float)
    cut = np.quantile(score[y == 0], 1 - fpr, method="higher")
    return float((score[y == 1] > cut).mean())


def metrics(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    return {"roc_auc": float(roc_auc_score(y, score)), "pr_auc": float(average_precision_score(y, score)),
            "recall_at_1pct_fpr": recall_at_fpr(y, score, 0.01), "positives": float(np.sum(y)),
            "rows": float(len(y))}


def decision_rates(y: np.ndarray, decision: np.ndarray) -> dict[str, float]:
    """What the thresholds did on the hold-out: fraud caught and good orders stopped, per decision."""
    y, out = np.asarray(y, dtype=int), {}
    for name, flagged in (("reject", decision == "reject"), ("review_or_reject", decision != "approve")):
        out[f"{name}_recall"] = float(flagged[y == 1].mean())
        out[f"{name}_fpr"] = float(flagged[y == 0].mean())
    return out


def score_model(model: Any, frame: pd.DataFrame, label: str = "is_fraud") -> float:
    """The primary metric of any object with `.score(frame)` on a labelled frame."""
    return metrics(labels(frame, label), model.score(frame)["score"].to_numpy())[PRIMARY]


def evaluate(model: Any, holdout: pd.DataFrame, label: str = "is_fraud") -> Evaluation:
    """The model and the rules baseline on the same hold-out, in the same run."""
    y = labels(holdout, label)
    scored, baseline = model.score(holdout), RulesModel().score(holdout)
    ours, theirs = metrics(y, scored["score"].to_numpy()), metrics(y, baseline["score"].to_numpy())
    figures = {k: v for k, v in ours.items() if k != PRIMARY}
    figures.update({f"baseline_{k}": v for k, v in theirs.items() if k not in (PRIMARY, "rows", "positives")})
    figures.update(decision_rates(y, scored["decision"].to_numpy()))
    figures.update({f"baseline_{k}": v for k, v in decision_rates(y, baseline["decision"].to_numpy()).items()})
    notes = [f"hold-out: {len(y)} orders, {int(y.sum())} fraudulent"]
    if y.sum() < 30:
        notes.append("fewer than 30 fraudulent orders in the hold-out: recall figures move in steps of 3%+")
    return Evaluation(PRIMARY, ours[PRIMARY], theirs[PRIMARY], True, figures, notes)
