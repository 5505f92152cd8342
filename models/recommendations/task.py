"""The recommendations ModelTask the pipeline drives: time split, fit, evaluation beside popularity, champion
score, and the MLflow pyfunc face (user ids in, ranked items with their strategy out)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from models.base import EmptyTrainingData, Evaluation, Split
from models.pyfunc import PickledModel
from models.recommendations.dataset import RecsData
from models.recommendations.evaluate import compare, model_only
from models.recommendations.train import DEFAULT_PARAMS, train

# Engagement after the cut (view, cart add or purchase of an item new to the user) is the primary relevance:
# the simulator and real shoppers draw both from the same taste, and purchases alone leave ~1 item per user.
TASK_PARAMS: dict[str, Any] = {**DEFAULT_PARAMS, "holdout_days": 28, "k": 10,
                               "relevant_kinds": ("view", "cart", "purchase")}


def _interactions(data: Any) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    return (data.interactions, data.items) if isinstance(data, RecsData) else (data, None)


@dataclass(frozen=True)
class RecommendationsTask:
    kind: str = "recommendations"
    registered_name: str = "marketplace-recommendations"
    default_params: dict = None  # set in __post_init__: a dict default cannot be a dataclass field default

    def __post_init__(self) -> None:
        object.__setattr__(self, "default_params", dict(TASK_PARAMS))

    def split(self, data: RecsData, params: dict[str, Any]) -> Split:
        """Train strictly before the cut (`holdout_days` before the newest interaction), hold out the rest."""
        params = {**self.default_params, **(params or {})}
        frame, items = _interactions(data)
        if frame is None or frame.empty:
            raise EmptyTrainingData("no interactions in the window: nothing to split into train and hold-out")
        ts = pd.to_datetime(frame["ts"], utc=True)
        cut = ts.max() - pd.Timedelta(days=params["holdout_days"])
        train_part, holdout = frame.loc[ts < cut], frame.loc[ts >= cut]
        window = {"train_start": ts.min().isoformat(), "cut": cut.isoformat(), "holdout_end": ts.max().isoformat()}
        return Split(RecsData(train_part, items), holdout, window, {"items": items})

    def fit(self, train_data: Any, params: dict[str, Any]) -> Any:
        frame, items = _interactions(train_data)
        return train(frame, _model_params(params), items=items)

    def evaluate(self, model: Any, split: Split, params: dict[str, Any]) -> Evaluation:
        params = {**self.default_params, **(params or {})}
        k, train_part = params["k"], split.train.interactions
        catalog = model.items.values.tolist()
        ours, pop = compare(model, train_part, split.holdout, catalog, k=k, kinds=tuple(params["relevant_kinds"]))
        metrics = {**ours, **{f"baseline_{m}": v for m, v in pop.items()}}
        for name, extra in (("purchase_", {"kinds": ("purchase",)}), ("known_", {"known_only": True})):
            o, p = compare(model, train_part, split.holdout, catalog, k=k,
                           **{"kinds": tuple(params["relevant_kinds"]), **extra})
            metrics.update({f"{name}{m}": v for m, v in o.items()})
            metrics.update({f"baseline_{name}{m}": v for m, v in p.items()})
        primary = f"precision_at_{k}"
        metrics.pop(primary), metrics.pop(f"baseline_{primary}")
        return Evaluation(primary, ours[primary], pop[primary], metrics=metrics,
                          notes=[f"relevance: {', '.join(params['relevant_kinds'])} of items new to the user"])

    def score(self, model: Any, split: Split) -> float:
        p = self.default_params
        return model_only(model, split.train.interactions, split.holdout, k=p["k"], kinds=p["relevant_kinds"])

    def python_model(self) -> PickledModel:
        return RecommendationsPyfunc()

    def input_example(self, model: Any, split: Split) -> pd.DataFrame:
        users = pd.unique(split.holdout["user_id"])[:3].tolist() or model.users.values[:3].tolist()
        return pd.DataFrame({"user_id": users})


def _model_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """Only what train() reads: task-level keys (hold-out length, relevance) stay out of the model."""
    return {key: value for key, value in (params or {}).items() if key in DEFAULT_PARAMS}


class RecommendationsPyfunc(PickledModel):
    """Frame of user_id (optional k) in; one row per recommended item out: user_id, rank, item_id, score,
    strategy. A frame of item_id instead asks for similar items."""

    def predict_frame(self, model: Any, frame: pd.DataFrame) -> pd.DataFrame:
        k = int(frame["k"].iloc[0]) if "k" in frame.columns and len(frame) else 10
        if "user_id" in frame.columns:
            explained, key = model.recommend_explained(frame["user_id"].tolist(), k=k), "user_id"
        else:
            explained, key = model.similar_items_explained(frame["item_id"].tolist(), k=k), "for_item_id"
        rows = [{key: who, "rank": r, "item_id": item, "score": score, "strategy": strategy}
                for who, recs in explained.items() for r, (item, score, strategy) in enumerate(recs, start=1)]
        return pd.DataFrame(rows, columns=[key, "rank", "item_id", "score", "strategy"])


TASK = RecommendationsTask()
