"""The pricing model kind as the pipeline drives it (models/base.py ModelTask).

    data = models.pricing.dataset.load(client, since=..., until=...)
    split = TASK.split(data, params)      # params["holdout_days"] (28): the last days are the hold-out;
                                          # params["truth_dir"]: the simulator run directory, copied into
                                          # split.context so evaluate/score can read categories.parquet
    model = TASK.fit(split.train, params)
    ev = TASK.evaluate(model, split, params)   # primary: elasticity_mare with truth, else holdout_wape (lower wins)
    TASK.score(champion, split)
Batch predictions for `ai_price_suggestions`: `suggestions(model)` (columns in suggest.py, plus category_id).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from models.base import EmptyTrainingData, Evaluation, Split
from models.pricing import evaluate as evaluation
from models.pricing.columns import validate
from models.pricing.model import PricingModel
from models.pricing.train import DEFAULT_PARAMS, fit
from models.pyfunc import PickledModel

INPUT_COLUMNS = ["sku", "category_id", "price_minor", "promo", "compare_at_minor", "cost_minor"]


class PricingPyfunc(PickledModel):
    def predict_frame(self, model: PricingModel, frame: pd.DataFrame) -> pd.DataFrame:
        """Frame of SKUs (columns INPUT_COLUMNS; promo/compare_at/cost optional) -> one suggestion each."""
        return model.suggest(frame)


def suggestions(model: PricingModel, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """A suggestion for every SKU the model saw (or in `frame`), money in integer minor units."""
    source = model.current if frame is None else frame
    out = model.suggest(source)
    out.insert(1, "category_id", source["category_id"].astype(str).to_numpy())
    return out


class PricingTask:
    kind = "pricing"
    registered_name = "marketplace-pricing"
    default_params: dict[str, Any] = {**DEFAULT_PARAMS, "holdout_days": 28, "truth_dir": None}

    def split(self, data: pd.DataFrame, params: dict[str, Any]) -> Split:
        params = {**self.default_params, **(params or {})}
        df = validate(data)
        last = df["ds"].max()
        cut = last - pd.Timedelta(days=int(params["holdout_days"]) - 1)
        train, holdout = df[df["ds"] < cut], df[df["ds"] >= cut]
        if train.empty:
            raise EmptyTrainingData(f"pricing: nothing before the hold-out cut {cut.date()}")
        window = {"train_start": df["ds"].min().date().isoformat(), "cut": cut.date().isoformat(),
                  "holdout_end": last.date().isoformat()}
        context = {"truth_dir": params.get("truth_dir"), "truth_elasticities": params.get("truth_elasticities")}
        return Split(train.reset_index(drop=True), holdout.reset_index(drop=True), window, context)

    def fit(self, train: pd.DataFrame, params: dict[str, Any]) -> PricingModel:
        return fit(train, params)

    def evaluate(self, model: PricingModel, split: Split, params: dict[str, Any]) -> Evaluation:
        return evaluation.evaluate(model, split, {**self.default_params, **(params or {})})

    def score(self, model: Any, split: Split) -> float:
        return evaluation.score(model, split)

    def python_model(self) -> PricingPyfunc:
        return PricingPyfunc()

    def input_example(self, model: PricingModel, split: Split) -> pd.DataFrame:
        # optional money columns travel as float in the example: MLflow's schema cannot hold a missing long
        example = model.current[INPUT_COLUMNS].head(5).reset_index(drop=True)
        optional = [c for c in ("compare_at_minor", "cost_minor") if c in example]
        return example.astype({c: "float64" for c in optional})


TASK = PricingTask()
