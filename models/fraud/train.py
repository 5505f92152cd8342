"""`train(frame)`: LightGBM on every numeric column (plus the risk team's rule flags), a probability calibrated on
a later slice of the same window, and decision thresholds chosen on that slice. Pure: frames in, model out."""
from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from models.base import EmptyTrainingData
from models.fraud.calibration import Calibrator, choose_thresholds
from models.fraud.features import feature_columns, numeric_matrix
from models.fraud.model import FraudModel
from models.fraud.rules import PREFIX, rule_flags

DEFAULTS: dict[str, Any] = {
    "time_column": "event_timestamp",  # when present, the calibration slice is the latest part of the window
    "calibration_fraction": 0.3,
    "calibration": "platt",
    "reject_fpr": 0.01, "review_recall": 0.9, "review_fpr": 0.01, "review_max_fpr": 0.1,
    "override_precision": 0.5,  # a rule this precise on the calibration slice forces review
    "use_rules": True, "exclude": (), "min_positives": 10, "seed": 7,
    "num_boost_round": 200, "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 20,
    "feature_fraction": 0.9, "lambda_l2": 1.0,
}


def labels(frame: pd.DataFrame, label: str) -> np.ndarray:
    """The label as 0/1, or a clear error: no rows, no such column, missing values, other values, one class."""
    if frame is None or len(frame) == 0:
        raise EmptyTrainingData("No orders in the training window: nothing to learn fraud from.")
    if label not in frame.columns:
        raise ValueError(f"The label column {label!r} is not in the frame (columns: {list(frame.columns)[:20]}).")
    values = frame[label]
    if values.isna().any():
        raise ValueError(f"{int(values.isna().sum())} rows have no {label!r} label; drop or label them first.")
    y = values.astype("int64").to_numpy() if values.dtype == bool else pd.to_numeric(values, errors="coerce")
    y = np.asarray(y)
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"The label {label!r} must be 0/1 or boolean, found {sorted(pd.unique(values))[:5]}.")
    if len(np.unique(y)) < 2:
        raise ValueError(f"Only one class in {label!r} (all {int(y[0])}): a fraud model needs both fraudulent "
                         f"and legitimate orders.")
    return y.astype(int)


def calibration_mask(frame: pd.DataFrame, y: np.ndarray, p: dict[str, Any]) -> tuple[np.ndarray, str]:
    """Rows held back to calibrate and set thresholds: the latest `calibration_fraction` of the window when rows
    are timed (the model is judged on later data, so it is calibrated on later data), else a stratified draw."""
    n_cal = max(int(round(len(y) * p["calibration_fraction"])), 1)
    column = p["time_column"]
    if column in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[column]):
        order = np.argsort(frame[column].to_numpy(), kind="stable")
        mask = np.zeros(len(y), dtype=bool)
        mask[order[-n_cal:]] = True
        if y[mask].sum() >= 2 and y[~mask].sum() >= 2:
            return mask, "latest rows by time"
    rng = np.random.default_rng(p["seed"])
    mask = np.zeros(len(y), dtype=bool)
    for cls in (0, 1):  # stratified: both slices need fraud in them
        idx = np.flatnonzero(y == cls)
        mask[rng.choice(idx, size=max(int(round(len(idx) * p["calibration_fraction"])), 1), replace=False)] = True
    return mask, "stratified random draw"


def _booster(x: pd.DataFrame, y: np.ndarray, p: dict[str, Any]) -> lgb.Booster:
    params = {"objective": "binary", "learning_rate": p["learning_rate"], "num_leaves": p["num_leaves"],
              "min_data_in_leaf": p["min_data_in_leaf"], "feature_fraction": p["feature_fraction"],
              "lambda_l2": p["lambda_l2"], "seed": p["seed"], "deterministic": True, "num_threads": 2,
              "verbose": -1, "feature_pre_filter": False}
    data = lgb.Dataset(x, label=y, free_raw_data=False)
    return lgb.train(params, data, num_boost_round=p["num_boost_round"])


def _overrides(flags: pd.DataFrame, y: np.ndarray, precision: float) -> list[str]:
    """Rule columns whose firing was at least `precision` fraud on the calibration slice (and fired at all)."""
    chosen = []
    for column in flags.columns:
        hit = flags[column].to_numpy() > 0
        if hit.sum() >= 3 and y[hit].mean() >= precision:
            chosen.append(column)
    return chosen


def train(frame: pd.DataFrame, label: str = "is_fraud", params: dict[str, Any] | None = None) -> FraudModel:
    p = {**DEFAULTS, **(params or {})}
    y = labels(frame, label)
    if y.sum() < p["min_positives"]:
        raise EmptyTrainingData(f"Only {int(y.sum())} fraudulent orders in the window; at least "
                                f"{p['min_positives']} are needed to fit and calibrate a model.")
    inputs = [c for c in feature_columns(frame, label, tuple(p["exclude"])) if not c.startswith(PREFIX)]
    x = numeric_matrix(frame, inputs)
    if p["use_rules"]:
        x = pd.concat([x, rule_flags(frame).astype("float64")], axis=1)
    if x.shape[1] == 0:
        raise ValueError("No numeric feature columns to learn from (ids, timestamps and the label are ignored).")
    cal, how = calibration_mask(frame, y, p)
    booster = _booster(x[~cal], y[~cal], p)
    raw = booster.predict(x[cal].to_numpy())
    calibrator = Calibrator(p["calibration"]).fit(raw, y[cal])
    thresholds = choose_thresholds(calibrator(raw), y[cal], p["reject_fpr"], p["review_recall"],
                                   p["review_fpr"], p["review_max_fpr"])
    flags = x[cal][[c for c in x.columns if c.startswith(PREFIX)]]
    info = {"rows": len(y), "positives": int(y.sum()), "fit_rows": int((~cal).sum()),
            "calibration_rows": int(cal.sum()), "calibration_positives": int(y[cal].sum()),
            "calibration_slice": how}
    return FraudModel(booster, inputs, calibrator, thresholds, _overrides(flags, y[cal], p["override_precision"]),
                      p["use_rules"], label, info)
