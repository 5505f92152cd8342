"""The forecasting ModelTask the pipeline drives: split at n_folds × fold_days before the window's end, fit on
what comes before, evaluate on a rolling origin over the hold-out, score any model on the first fold.

Primary metric: `mase` = mean per-SKU MASE of the model over the first 28-day fold after the cut, on the fixed
evaluated SKU set (lower is better). The same figure is what score() returns for any other model (the champion),
so the two are compared on the same days and SKUs. Rolling-origin figures go beside it as rolling_*."""
from __future__ import annotations

from typing import Any

import pandas as pd

from models.base import EmptyTrainingData, Evaluation, Split
from models.forecasting.evaluate import eligible_skus, fold_errors, rolling_origin, summarize
from models.forecasting.model import ForecastModel
from models.forecasting.train import DEFAULT_PARAMS, train
from models.pyfunc import PickledModel

TASK_PARAMS = {**DEFAULT_PARAMS, "n_folds": 3, "fold_days": 28, "eval_min_history_days": 90,
               "eval_max_skus": None, "eval_seed": 7}


def _sales(data: Any) -> pd.DataFrame:
    return data.sales if hasattr(data, "sales") else data


class ForecastPyfunc(PickledModel):
    def predict_frame(self, model: ForecastModel, frame: pd.DataFrame) -> pd.DataFrame:
        """frame: sku, horizon_days → sku, ds, yhat, yhat_lower, yhat_upper (unknown SKUs give no rows)."""
        wanted = frame.groupby("sku")["horizon_days"].max()
        known = [s for s in wanted.index if s in model.skus]
        out = model.predict(int(wanted.max()) if len(wanted) else 0, skus=known)
        first = out.groupby("sku")["ds"].transform("min")
        return out[(out["ds"] - first).dt.days < out["sku"].map(wanted)].reset_index(drop=True)


class ForecastingTask:
    kind = "forecasting"
    registered_name = "marketplace-forecasting"
    default_params = TASK_PARAMS

    def split(self, data: Any, params: dict[str, Any]) -> Split:
        params = {**TASK_PARAMS, **params}
        sales = _sales(data)
        if sales is None or sales.empty:
            raise EmptyTrainingData("no daily sales in the window: nothing to split")
        end = sales["ds"].max() + pd.Timedelta(days=1)
        cut = end - pd.Timedelta(days=params["n_folds"] * params["fold_days"])
        if cut <= sales["ds"].min():
            raise EmptyTrainingData(f"the window ({sales['ds'].min():%Y-%m-%d}..{end:%Y-%m-%d}) is shorter than "
                                    f"{params['n_folds']} hold-out folds of {params['fold_days']} days")
        origins = [cut + pd.Timedelta(days=i * params["fold_days"]) for i in range(params["n_folds"])]
        context = {"sales": sales, "stock": getattr(data, "stock", None), "origins": origins,
                   "eval_skus": eligible_skus(sales, cut, params), "fold_days": params["fold_days"]}
        window = {"train_start": f"{sales['ds'].min():%Y-%m-%d}", "cut": f"{cut:%Y-%m-%d}",
                  "holdout_end": f"{end:%Y-%m-%d}"}
        return Split(train=sales[sales["ds"] < cut], holdout=sales[sales["ds"] >= cut], window=window,
                     context=context)

    def fit(self, train_data: pd.DataFrame, params: dict[str, Any]) -> ForecastModel:
        return train(_sales(train_data), {**TASK_PARAMS, **params})

    def evaluate(self, model: ForecastModel, split: Split, params: dict[str, Any]) -> Evaluation:
        params = {**TASK_PARAMS, **params}
        ctx = split.context
        errors = rolling_origin(ctx["sales"], ctx["origins"], ctx["eval_skus"], params, first_model=model)
        first = summarize(errors[errors["cut"] == ctx["origins"][0]])
        rolling = {f"rolling_{k}": v for k, v in summarize(errors).items()}
        methods = pd.Series([f.method for f in model.skus.values()]).value_counts()
        counts = {f"skus_{m}": float(n) for m, n in methods.items()}
        notes = [f"evaluated {len(ctx['eval_skus'])} SKUs with >= {params['eval_min_history_days']} days of "
                 f"history at the cut" + (f" (fixed-seed sample, seed {params['eval_seed']})"
                                          if params.get("eval_max_skus") else ""),
                 "MASE on intermittent demand favours an all-zero forecast: see zero_forecast_median_mase"]
        return Evaluation(metric="mase", value=first.get("mean_mase", float("nan")),
                          baseline=first.get("baseline_mean_mase", float("nan")), greater_is_better=False,
                          metrics={**{k: v for k, v in first.items() if k not in ("mean_mase", "baseline_mean_mase")}, **rolling,
                                   **counts, "skus_fitted": float(len(model.skus))}, notes=notes)

    def score(self, model: ForecastModel, split: Split) -> float:
        ctx = split.context
        errors = fold_errors(model, ctx["sales"], ctx["origins"][0], ctx["eval_skus"], ctx["fold_days"])
        return summarize(errors).get("mean_mase", float("nan"))

    def python_model(self) -> ForecastPyfunc:
        return ForecastPyfunc()

    def input_example(self, model: ForecastModel, split: Split) -> pd.DataFrame:
        return pd.DataFrame({"sku": sorted(model.skus)[:3], "horizon_days": 14})


TASK = ForecastingTask()
