"""Scoring one order: the champion fraud model when one is loaded, the risk team's hand rules otherwise.

Pure (no IO): the feature row comes in as a dict, the answer goes out as a `Verdict`. The model is the native object
of models/fraud (FraudModel): `.score(frame)` gives a calibrated probability, its approve / review / reject decision
(the thresholds chosen at training time travel with the model) and the reasons — the features that pushed this
order's score up the most, from LightGBM's per-prediction contributions, in words. Serving does not re-decide.

The fallback rules are those of models/fraud/rules.py (services may not import models/: import-linter), named in
`modelVersion` ("rules-v1") and `strategy` ("rules") so nobody mistakes them for the model.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

# What the fraud model reads (models/fraud/features.py): fraud_v1 from Feast, and the checkout's own context.
ONLINE_FEATURES = (
    "user_orders_1h", "user_orders_24h", "user_orders_7d",
    "user_spend_1h_minor", "user_spend_24h_minor", "user_spend_7d_minor",
    "user_distinct_cards_24h", "user_distinct_cards_7d",
    "user_distinct_addresses_24h", "user_distinct_addresses_7d",
    "user_distinct_devices_24h", "user_distinct_devices_7d",
    "device_orders_24h", "device_distinct_users_24h", "device_distinct_users_7d",
    "device_distinct_cards_24h", "device_distinct_cards_7d",
    "device_distinct_addresses_24h", "device_distinct_addresses_7d",
    "account_age_days", "lifetime_orders", "avg_order_value_minor", "refunds_90d", "distinct_addresses_30d",
)
CONTEXT_FEATURES = (
    "order_total_minor", "account_age_hours", "card_country_mismatch", "ip_country_mismatch",
    "card_other_accounts_24h", "address_other_accounts_7d",
)
KNOWN_FEATURES = frozenset(ONLINE_FEATURES + CONTEXT_FEATURES)
RULES_VERSION = "rules-v1"

# (name, sentence, conditions): every condition must hold; an unknown value never fires a rule.
RULES: tuple[tuple[str, str, tuple[tuple[str, str, float], ...]], ...] = (
    ("velocity_1h", "3 or more orders from one account within an hour", (("user_orders_1h", ">=", 3),)),
    ("velocity_24h", "5 or more orders from one account within 24 h", (("user_orders_24h", ">=", 5),)),
    ("many_cards", "3 or more cards on one account within 24 h", (("user_distinct_cards_24h", ">=", 3),)),
    ("shared_device", "device used by 3 or more accounts within 24 h", (("device_distinct_users_24h", ">=", 3),)),
    ("device_many_cards", "4 or more cards on one device within 7 days", (("device_distinct_cards_7d", ">=", 4),)),
    ("shared_card", "card used by another account within 24 h", (("card_other_accounts_24h", ">=", 1),)),
    ("shared_address", "shipping address used by 3 or more other accounts within 7 days",
     (("address_other_accounts_7d", ">=", 3),)),
    ("new_account_foreign_card", "account under a day old paying with a card from another country",
     (("account_age_hours", "<", 24), ("card_country_mismatch", "==", 1))),
)


@dataclass(frozen=True)
class Verdict:
    score: float
    decision: str  # approve | review | reject
    reasons: list[str]
    model_version: str
    strategy: str  # model | rules
    thresholds: dict[str, float] = field(default_factory=dict)


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def context_features(*, total_minor: int, placed_at: datetime, account_created_at: datetime | None,
                     ship_country: str | None, ip_country: str | None, card_country: str | None,
                     card_other_accounts_24h: int | None, address_other_accounts_7d: int | None) -> dict[str, float]:
    """The checkout's own context, as models/fraud/dataset.py builds it for training; unknown stays NaN."""
    nan = math.nan
    age = (placed_at - account_created_at).total_seconds() / 3600.0 if account_created_at else nan
    return {
        "order_total_minor": float(total_minor),
        "account_age_hours": max(age, 0.0) if _known(age) else nan,
        "card_country_mismatch": float(card_country != ship_country) if card_country and ship_country else nan,
        "ip_country_mismatch": float(ip_country != ship_country) if ip_country and ship_country else nan,
        "card_other_accounts_24h": float(card_other_accounts_24h) if card_other_accounts_24h is not None else nan,
        "address_other_accounts_7d": float(address_other_accounts_7d) if address_other_accounts_7d is not None
        else nan,
    }


def _fires(row: dict[str, Any], conditions: tuple[tuple[str, str, float], ...]) -> bool:
    for column, op, threshold in conditions:
        value = row.get(column)
        if not _known(value):
            return False
        value = float(value)
        if not {">=": value >= threshold, "<": value < threshold, "==": value == threshold}[op]:
            return False
    return True


def rules_verdict(row: dict[str, Any]) -> Verdict:
    """The baseline without a model: score = share of rules fired; review on one, reject on two or more."""
    fired = [sentence for _, sentence, conditions in RULES if _fires(row, conditions)]
    decision = "reject" if len(fired) >= 2 else "review" if fired else "approve"
    return Verdict(score=len(fired) / len(RULES), decision=decision, reasons=[f"rule: {s}" for s in fired],
                   model_version=RULES_VERSION, strategy="rules",
                   thresholds={"review": 1 / len(RULES), "reject": 2 / len(RULES)})


def split_reasons(text: Any) -> list[str]:
    """FraudModel joins an order's reasons with "; "; the API lists them."""
    return [part.strip() for part in str(text or "").split("; ") if part.strip()]


def model_thresholds(model: Any) -> dict[str, float]:
    thresholds = getattr(model, "thresholds", None)
    if thresholds is None:
        return {}
    return {"review": float(thresholds.review), "reject": float(thresholds.reject)}


def model_verdict(model: Any, version: str, row: dict[str, Any]) -> Verdict:
    """The champion's answer for one order (decision and reasons as the model gives them)."""
    frame = pd.DataFrame([{name: row.get(name, math.nan) for name in sorted(KNOWN_FEATURES | set(row))}])
    out = model.score(frame).iloc[0]
    score = min(max(float(out["score"]), 0.0), 1.0)
    return Verdict(score=score, decision=str(out["decision"]), reasons=split_reasons(out["reasons"]),
                   model_version=str(version), strategy="model", thresholds=model_thresholds(model))


def verdict(loaded: Any | None, row: dict[str, Any]) -> Verdict:
    """Model when loaded (`loaded` is the champion store's entry), rules otherwise."""
    if loaded is None:
        return rules_verdict(row)
    return model_verdict(loaded.model, f"{loaded.name}/{loaded.version}", row)


STRICTNESS = {"approve": 0, "review": 1, "reject": 2}


def escalates(previous: str, new: str) -> bool:
    """A later score (the card became known) may only tighten an automatic decision, never loosen it: a hold
    already in place is lifted by a person, not by a second look of the model."""
    return STRICTNESS[new] > STRICTNESS[previous]


def json_features(row: dict[str, Any]) -> dict[str, float | None]:
    """The feature row as stored with the score (NaN → null)."""
    return {k: (float(v) if _known(v) else None) for k, v in sorted(row.items())
            if isinstance(v, (int, float)) or v is None}
