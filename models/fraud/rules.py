"""The rules a risk team writes by hand, before any model: velocity, identities shared across accounts, and a
brand-new account paying with a foreign card. Thresholds are the team's judgement, not fitted to data.

They serve three ways: alone as the baseline the model must beat (`RulesModel`), as extra columns the model
learns from (`rule_flags`), and as overrides: a rule that proved precise on the training window's validation
slice sends any order it fires on to review at least (chosen in train.py, never on the hold-out).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.fraud.features import numeric_matrix


@dataclass(frozen=True)
class Rule:
    name: str
    description: str  # how the risk queue shows it
    conditions: tuple[tuple[str, str, float], ...]  # (column, ">=" | "<" | "==", value), all must hold

    def fires(self, frame: pd.DataFrame) -> pd.Series:
        """True where every condition holds; a column the frame lacks (or a NaN) means the rule cannot fire."""
        values = numeric_matrix(frame, [column for column, _, _ in self.conditions])
        hit = pd.Series(True, index=frame.index)
        for column, op, threshold in self.conditions:
            v = values[column]
            hit &= {">=": v >= threshold, "<": v < threshold, "==": v == threshold}[op]
        return hit.fillna(False).astype(bool)


RULES: tuple[Rule, ...] = (
    Rule("velocity_1h", "3 or more orders from one account within an hour", (("user_orders_1h", ">=", 3),)),
    Rule("velocity_24h", "5 or more orders from one account within 24 h", (("user_orders_24h", ">=", 5),)),
    Rule("many_cards", "3 or more cards on one account within 24 h", (("user_distinct_cards_24h", ">=", 3),)),
    Rule("shared_device", "device used by 3 or more accounts within 24 h", (("device_distinct_users_24h", ">=", 3),)),
    Rule("device_many_cards", "4 or more cards on one device within 7 days",
         (("device_distinct_cards_7d", ">=", 4),)),
    Rule("shared_card", "card used by another account within 24 h", (("card_other_accounts_24h", ">=", 1),)),
    Rule("shared_address", "shipping address used by 3 or more other accounts within 7 days",
         (("address_other_accounts_7d", ">=", 3),)),
    Rule("new_account_foreign_card", "account under a day old paying with a card from another country",
         (("account_age_hours", "<", 24), ("card_country_mismatch", "==", 1))),
)
PREFIX = "rule_"


def rule_flags(frame: pd.DataFrame, rules: tuple[Rule, ...] = RULES) -> pd.DataFrame:
    """One 0/1 column per rule (`rule_<name>`), same index as `frame`."""
    return pd.DataFrame({PREFIX + rule.name: rule.fires(frame).astype("int8") for rule in rules}, index=frame.index)


def describe_rule(column: str) -> str | None:
    """The risk-queue sentence of a `rule_<name>` column, None for any other column."""
    for rule in RULES:
        if column == PREFIX + rule.name:
            return f"rule: {rule.description}"
    return None


class RulesModel:
    """The baseline: score = share of rules fired; review when one fires, reject when two or more do."""

    def __init__(self, rules: tuple[Rule, ...] = RULES) -> None:
        self.rules = rules

    def score(self, frame: pd.DataFrame) -> pd.DataFrame:
        flags = rule_flags(frame, self.rules)
        fired = flags.sum(axis=1).to_numpy()
        reasons = [
            "; ".join(rule.description for rule, hit in zip(self.rules, row) if hit)
            for row in flags.to_numpy(dtype=bool)
        ]
        decision = np.where(fired >= 2, "reject", np.where(fired == 1, "review", "approve"))
        return pd.DataFrame({"score": fired / max(len(self.rules), 1), "decision": decision, "reasons": reasons},
                            index=frame.index)
