"""The trained fraud model: a LightGBM booster, its calibrator, thresholds and override rules, and the words that
explain each score. Plain attributes only, so the standard pickle module saves and loads it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from models.fraud.calibration import Calibrator, Thresholds
from models.fraud.features import describe, numeric_matrix
from models.fraud.rules import PREFIX, RULES, describe_rule, rule_flags

DECISIONS = ("approve", "review", "reject")


def _booster_from(text: str) -> lgb.Booster:
    return lgb.Booster(model_str=text)


@dataclass
class FraudModel:
    booster: lgb.Booster
    inputs: list[str]  # the columns read from a scored frame (rule columns are derived, not read)
    calibrator: Calibrator
    thresholds: Thresholds
    overrides: list[str] = field(default_factory=list)  # rule columns that force review at least
    use_rules: bool = True
    label: str = "is_fraud"
    info: dict[str, Any] = field(default_factory=dict)  # training figures worth logging
    max_reasons: int = 3
    # In log-odds: below this a feature nudged the score rather than explained it (noise would fill the list).
    min_contribution: float = 0.2

    @property
    def features(self) -> list[str]:
        return self.booster.feature_name()

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The booster's input: the numeric inputs (missing ones as NaN) and the rule flags."""
        values = numeric_matrix(frame, self.inputs)
        if self.use_rules:
            values = pd.concat([values, rule_flags(frame).astype("float64")], axis=1)
        return values[self.features]

    def score(self, frame: pd.DataFrame) -> pd.DataFrame:
        """score (calibrated probability of fraud), decision and reasons, one row per input row, same index."""
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"score() takes a pandas DataFrame, got {type(frame).__name__}")
        if frame.empty:
            return pd.DataFrame({"score": pd.Series(dtype=float), "decision": pd.Series(dtype=object),
                                 "reasons": pd.Series(dtype=object)}, index=frame.index)
        x = self.matrix(frame)
        raw = self.booster.predict(x.to_numpy(), raw_score=False)
        score = self.calibrator(raw)
        decision = self.thresholds.decide(score)
        if self.overrides:
            forced = x[self.overrides].to_numpy().max(axis=1) > 0
            decision = np.where(forced & (decision == "approve"), "review", decision)
        contrib = self.booster.predict(x.to_numpy(), pred_contrib=True)[:, :-1]  # last column: the bias
        return pd.DataFrame({"score": score, "decision": decision, "reasons": self._reasons(x, contrib)},
                            index=frame.index)

    def _reasons(self, x: pd.DataFrame, contrib: np.ndarray) -> list[str]:
        """The features pushing each score up the most, in words; rule columns read as the rule's sentence."""
        values, names, out = x.to_numpy(), self.features, []
        for row, c in zip(values, contrib):
            # A rule that did not fire is no reason to suspect an order, whatever its contribution.
            top = [i for i in np.argsort(-c) if c[i] >= self.min_contribution and not (names[i].startswith(PREFIX) and row[i] == 0)]
            out.append("; ".join(self._phrase(names[i], row[i]) for i in top[: self.max_reasons]))
        return out

    @staticmethod
    def _phrase(name: str, value: float) -> str:
        return (describe_rule(name) if name.startswith(PREFIX) else None) or describe(name, value)

    def __getstate__(self) -> dict[str, Any]:
        # The booster travels as its model text: stable across processes and LightGBM patch releases.
        state = dict(self.__dict__)
        state["booster"] = self.booster.model_to_string()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        state["booster"] = _booster_from(state["booster"])
        self.__dict__.update(state)


__all__ = ["FraudModel", "DECISIONS", "RULES"]
