"""Pure back office rules: the product plan's flag seeds, what a flag change records, a valid flag key."""
from __future__ import annotations

from kernel.errors import ValidationFailed
from kernel.flags import Flag, InvalidFlag

# The product plan's flags, written once when missing (an admin's later choice is never overridden).
SEEDS = (
    Flag("reco_ab_test", enabled=False, variants={"champion": 90, "challenger": 10},
         description="A/B test of recommenders: traffic split champion/challenger, sticky per user"),
    Flag("pricing_ai", enabled=True,
         description="Price suggestions for vendors (GET /v1/vendors/{id}/price-suggestions)"),
    Flag("new_checkout", enabled=False, description="The new checkout flow (risky feature toggle)"),
)


def state(flag: Flag | None) -> dict | None:
    """What the audit row and the event record of a flag (its settings, not its stamp)."""
    if flag is None:
        return None
    return {"enabled": flag.enabled, "rolloutPercent": flag.rollout_percent, "variants": dict(flag.variants),
            "description": flag.description}


def valid_key(key: str) -> str:
    try:
        Flag(key)
    except InvalidFlag as exc:
        raise ValidationFailed(str(exc), errors=[{"field": "key", "message": str(exc)}]) from None
    return key
