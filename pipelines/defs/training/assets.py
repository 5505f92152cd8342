"""One factory, four kinds: training set → trained model → evaluation (with an asset check that fails when the
model does not beat its baseline) → registered model in MLflow. Every version is registered, so a losing one can be
inspected; only one that beats its baseline and the current champion on the same hold-out becomes champion, and
batch predictions only ever come from the champion."""

import json
from dataclasses import dataclass
from typing import Any

from dagster import AssetCheckResult, AssetExecutionContext, AssetIn, Config, MetadataValue, asset, asset_check

from models.base import Evaluation, Split
from models.registry import register
from pipelines.defs.resources import (FeatureStoreResource, GroundTruthResource, MlflowResource,
                                      WarehouseResource)
from pipelines.defs.training.kinds import KindSpec, Sources


class WindowConfig(Config):
    """The data window (ISO dates, empty = everything the warehouse holds)."""
    since: str = ""
    until: str = ""


class ParamsConfig(Config):
    """Hyper-parameters over the kind's defaults, as JSON (e.g. '{"factors": 8}')."""
    params_json: str = "{}"


@dataclass
class TrainingSet:
    data: Any
    params: dict[str, Any]  # what the data's source adds to the kind's params (e.g. where its ground truth is)


@dataclass
class TrainedModel:
    model: Any
    split: Split
    params: dict[str, Any]


def _figures(evaluation: Evaluation) -> dict[str, Any]:
    return {"metric": evaluation.metric, "value": float(evaluation.value), "baseline": float(evaluation.baseline),
            "greater_is_better": evaluation.greater_is_better,
            "all_metrics": MetadataValue.json({k: round(float(v), 6) for k, v in evaluation.all_metrics().items()})}


def training_assets(spec: KindSpec) -> list:
    k = spec.kind

    @asset(name=f"{k}_training_set", group_name=k, compute_kind="clickhouse",
           description=f"{k}: training data read from the warehouse (and Feast / labels where the kind needs them).")
    def training_set(context: AssetExecutionContext, config: WindowConfig, warehouse: WarehouseResource,
                     feature_store: FeatureStoreResource, ground_truth: GroundTruthResource) -> TrainingSet:
        sources = Sources(warehouse, feature_store, ground_truth)
        since, until = config.since or None, config.until or None
        data = spec.load(sources, since, until)
        context.add_output_metadata(spec.describe(data))
        return TrainingSet(data, spec.judged_by(sources, since, until))

    @asset(name=f"{k}_model", group_name=k, ins={"data": AssetIn(f"{k}_training_set")}, compute_kind="python",
           description=f"{k}: trained on the part of the window before the hold-out cut.")
    def model(context: AssetExecutionContext, config: ParamsConfig, data: TrainingSet) -> TrainedModel:
        task = spec.task()
        params = {**task.default_params, **data.params, **json.loads(config.params_json or "{}")}
        split = task.split(data.data, params)
        trained = TrainedModel(task.fit(split.train, params), split, params)
        context.add_output_metadata({"window": MetadataValue.json(split.window),
                                     "params": MetadataValue.json(json.loads(json.dumps(params, default=str)))})
        return trained

    @asset(name=f"{k}_evaluation", group_name=k, ins={"trained": AssetIn(f"{k}_model")}, compute_kind="python",
           description=f"{k}: hold-out figures of the model beside its baseline, measured in the same run.")
    def evaluation(context: AssetExecutionContext, trained: TrainedModel) -> Evaluation:
        result = spec.task().evaluate(trained.model, trained.split, trained.params)
        context.add_output_metadata(_figures(result))
        return result

    @asset_check(asset=evaluation, name="beats_baseline",
                 description="The model must beat its baseline on the hold-out to become champion.")
    def beats_baseline(evaluation: Evaluation) -> AssetCheckResult:
        return AssetCheckResult(passed=bool(evaluation.beats_baseline), metadata=_figures(evaluation))

    @asset(name=f"{k}_registered_model", group_name=k, compute_kind="mlflow",
           ins={"trained": AssetIn(f"{k}_model"), "evaluation": AssetIn(f"{k}_evaluation")},
           description=f"{k}: a version in MLflow's registry, aliased champion only if it beats the baseline and "
                       "the current champion on the same hold-out.")
    def registered(context: AssetExecutionContext, trained: TrainedModel, evaluation: Evaluation,
                   mlflow: MlflowResource) -> dict[str, Any]:
        task = spec.task()
        reg = register(task, trained.model, trained.split, evaluation, trained.params,
                       tracking_uri=mlflow.tracking_uri, name=mlflow.model_name(task.kind),
                       tags={"dagster_run_id": context.run_id})
        context.add_output_metadata({k2: v for k2, v in reg.as_dict().items() if v is not None})
        return reg.as_dict()

    return [training_set, model, evaluation, beats_baseline, registered]
