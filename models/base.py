"""What every model kind shares: a time-based split, an evaluation beside its baseline, and the task protocol the
pipeline drives (split → fit → evaluate → compare with the champion on the same hold-out → register).

Each kind (models/<kind>/) exposes a module-level `TASK` satisfying `ModelTask`. The task's functions are pure:
data frames and params in, objects and numbers out. Reading the warehouse or Feast is the job of the kind's
dataset.py, called by the pipeline with clients it is handed (never created at import time).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

ARTIFACT = "model"  # the name of the pickled model among an MLflow model's artifacts


@dataclass(frozen=True)
class Split:
    """Training data strictly before `cut`, hold-out from `cut` on. `window` names the dates as ISO strings
    (train_start, cut, holdout_end) so the MLflow run can record the data window."""
    train: Any
    holdout: Any
    window: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)  # anything evaluation needs beside the two parts


@dataclass(frozen=True)
class Evaluation:
    """The primary metric of a model and of the baseline computed in the same run on the same hold-out, plus every
    other figure (prefixed `baseline_` for the baseline's)."""
    metric: str
    value: float
    baseline: float
    greater_is_better: bool = True
    metrics: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def better(self, a: float | None, b: float | None) -> bool:
        """Is `a` strictly better than `b` for this metric? A missing or NaN `a` never is; a missing `b` always
        loses to a real `a`."""
        if a is None or (isinstance(a, float) and math.isnan(a)):
            return False
        if b is None or (isinstance(b, float) and math.isnan(b)):
            return True
        return a > b if self.greater_is_better else a < b

    @property
    def beats_baseline(self) -> bool:
        return self.better(self.value, self.baseline)

    def all_metrics(self) -> dict[str, float]:
        return {self.metric: float(self.value), f"baseline_{self.metric}": float(self.baseline), **self.metrics}


class EmptyTrainingData(ValueError):
    """The window holds too little to train on; raised with a sentence saying what is missing."""


class ModelTask(Protocol):
    kind: str  # "recommendations" | "fraud" | "forecasting" | "pricing"
    registered_name: str  # the MLflow registered model, e.g. "marketplace-recommendations"
    default_params: dict[str, Any]

    def split(self, data: Any, params: dict[str, Any]) -> Split: ...

    def fit(self, train: Any, params: dict[str, Any]) -> Any: ...

    def evaluate(self, model: Any, split: Split, params: dict[str, Any]) -> Evaluation: ...

    def score(self, model: Any, split: Split) -> float:
        """The primary metric of any trained model (e.g. the current champion) on `split.holdout`."""
        ...

    def python_model(self) -> Any:
        """An mlflow.pyfunc.PythonModel that loads the pickled model from artifacts["model"]."""
        ...

    def input_example(self, model: Any, split: Split) -> Any: ...
