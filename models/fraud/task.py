"""What the training pipeline drives: an out-of-time split (the last ~20% of days held out), fit, evaluation
against the rules baseline on that hold-out, the primary metric of any model (the champion) on it, and the
MLflow face of a trained model."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from models.base import EmptyTrainingData, Evaluation, Split
from models.fraud.evaluate import PRIMARY, evaluate, score_model
from models.fraud.model import FraudModel
from models.fraud.train import DEFAULTS, train
from models.pyfunc import PickledModel


class FraudPyfunc(PickledModel):
    """Frame of order features in, frame of score / decision / reasons out (same index)."""

    def predict_frame(self, model: Any, frame: pd.DataFrame) -> pd.DataFrame:
        return model.score(frame)


class FraudTask:
    kind = "fraud"
    registered_name = "marketplace-fraud"
    default_params: dict[str, Any] = {**DEFAULTS, "label": "is_fraud", "holdout_fraction": 0.2}

    def _params(self, params: dict[str, Any] | None) -> dict[str, Any]:
        return {**self.default_params, **(params or {})}

    def split(self, data: pd.DataFrame, params: dict[str, Any]) -> Split:
        """Orders before the cut day train, orders from it on are held out: the model is judged on a future it
        never saw, as it will be in production."""
        p = self._params(params)
        if data is None or len(data) == 0:
            raise EmptyTrainingData("No orders to split: the window is empty.")
        at = pd.to_datetime(data[p["time_column"]], utc=True)
        first, last = at.min().floor("D"), at.max().floor("D")
        days = int((last - first).days) + 1
        if days < 2:
            raise EmptyTrainingData(f"All {len(data)} orders fall on one day ({first.date()}): an out-of-time "
                                    f"hold-out needs at least two days.")
        held = min(max(math.ceil(days * p["holdout_fraction"]), 1), days - 1)
        cut = first + pd.Timedelta(days=days - held)
        train_part, holdout = data[at < cut], data[at >= cut]
        window = {"train_start": first.date().isoformat(), "cut": cut.date().isoformat(),
                  "holdout_end": (last + pd.Timedelta(days=1)).date().isoformat()}
        return Split(train_part, holdout, window, {"label": p["label"], "holdout_days": held})

    def fit(self, train_part: pd.DataFrame, params: dict[str, Any]) -> FraudModel:
        p = self._params(params)
        return train(train_part, p["label"], p)

    def evaluate(self, model: FraudModel, split: Split, params: dict[str, Any]) -> Evaluation:
        ev = evaluate(model, split.holdout, self._params(params)["label"])
        chosen = model.thresholds
        extra = {"threshold_review": chosen.review, "threshold_reject": chosen.reject,
                 **{f"validation_{k}": v for k, v in chosen.achieved.items()},
                 "override_rules": float(len(model.overrides)), "train_rows": float(model.info.get("rows", 0))}
        notes = [*ev.notes, f"out-of-time split at {split.window.get('cut')}",
                 f"override rules (force review): {', '.join(model.overrides) or 'none'}"]
        return Evaluation(ev.metric, ev.value, ev.baseline, ev.greater_is_better, {**ev.metrics, **extra}, notes)

    def score(self, model: Any, split: Split) -> float:
        return score_model(model, split.holdout, split.context.get("label", "is_fraud"))

    def python_model(self) -> FraudPyfunc:
        return FraudPyfunc()

    def input_example(self, model: FraudModel, split: Split) -> pd.DataFrame:
        present = [c for c in model.inputs if c in split.holdout.columns]
        return split.holdout[present].head(5).reset_index(drop=True)


TASK = FraudTask()
PRIMARY_METRIC = PRIMARY
