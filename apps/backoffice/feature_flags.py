"""Feature-flag admin use cases: read through the shared store, change with an audit row and an event.

The flag lives in Redis (what every service reads), the audit trail and the event in this service's database.
The two cannot share one transaction, so a change goes: open the transaction → swap the flag in Redis atomically
(which yields the exact flag replaced) → write the audit row and `feature_flag.changed` to the outbox → commit.
If Redis refuses, nothing is written. If the commit fails after Redis took the change, the old flag is put back
(best effort) and the error surfaces, so an unaudited change does not stay silently in force.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import structlog
from sqlalchemy import select

from apps.backoffice.orm import FeatureFlagAudit
from kernel.auth import CurrentUser
from kernel.context import current_context
from kernel.errors import NotFound, ServiceUnavailable, ValidationFailed
from kernel.events import Actor
from kernel.flags import FeatureFlags, Flag, FlagStoreUnavailable, InvalidFlag
from kernel.uow import UnitOfWork

log = structlog.get_logger("backoffice.flags")

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


def _unavailable(exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable("The feature flag store (Redis) is unavailable; nothing was changed.",
                              errors=[{"field": "redis", "message": str(exc)}])


async def seed(flags: FeatureFlags) -> list[str]:
    written = []
    for flag in SEEDS:
        try:
            if await flags.put_if_absent(replace(flag, updated_by="seed")):
                written.append(flag.key)
        except FlagStoreUnavailable as exc:  # start anyway: reads default off, an admin can seed by PUT later
            log.warning("flags.seed_skipped", key=flag.key, error=str(exc))
            return written
    return written


async def list_flags(flags: FeatureFlags) -> list[Flag]:
    try:
        return await flags.all()
    except FlagStoreUnavailable as exc:
        raise ServiceUnavailable("The feature flag store (Redis) is unavailable.") from exc


def valid_key(key: str) -> str:
    try:
        Flag(key)
    except InvalidFlag as exc:
        raise ValidationFailed(str(exc), errors=[{"field": "key", "message": str(exc)}]) from None
    return key


async def get_flag(flags: FeatureFlags, key: str) -> Flag:
    try:
        flag = await flags.fetch(valid_key(key))
    except FlagStoreUnavailable as exc:
        raise ServiceUnavailable("The feature flag store (Redis) is unavailable.") from exc
    if flag is None:
        raise NotFound(f"No feature flag {key!r}.")
    return flag


async def change_flag(*, uow: UnitOfWork, flags: FeatureFlags, key: str, enabled: bool, rollout_percent: int,
                      variants: dict[str, int], description: str, user: CurrentUser) -> tuple[Flag | None, Flag]:
    try:
        wanted = Flag(valid_key(key), enabled=enabled, rollout_percent=rollout_percent, variants=variants,
                      description=description, updated_by=user.id, updated_at=datetime.now(timezone.utc))
    except InvalidFlag as exc:
        raise ValidationFailed(str(exc), errors=[{"field": "body", "message": str(exc)}]) from None
    async with uow:
        try:
            before, after = await flags.replace(wanted)
        except FlagStoreUnavailable as exc:
            raise _unavailable(exc) from exc
        try:
            audit = FeatureFlagAudit(flag_key=key, changed_by=user.id, changed_at=after.updated_at,
                                     before=state(before), after=state(after),
                                     request_id=current_context().request_id)
            uow.session.add(audit)
            await uow.session.flush()
            uow.emit("feature_flag.changed", {"key": key, "before": state(before), "after": state(after),
                                              "changedBy": user.id, "changedAt": after.updated_at,
                                              "auditId": audit.id},
                     key=key, actor=Actor(type="admin", id=user.id))
            await uow.commit()
        except Exception:
            await _put_back(flags, key, before)
            raise
    return before, after


async def _put_back(flags: FeatureFlags, key: str, before: Flag | None) -> None:
    try:
        if before is not None:
            await flags.put(before)
        else:
            await flags.remove(key)
        log.error("flags.change_reverted", key=key, reason="audit commit failed")
    except FlagStoreUnavailable:
        log.error("flags.change_unaudited", key=key, reason="audit commit failed and Redis refused the revert")


async def audit_trail(*, uow: UnitOfWork, key: str, limit: int) -> list[FeatureFlagAudit]:
    async with uow:
        rows = await uow.session.scalars(select(FeatureFlagAudit).where(FeatureFlagAudit.flag_key == valid_key(key))
                                         .order_by(FeatureFlagAudit.changed_at.desc(), FeatureFlagAudit.id.desc())
                                         .limit(limit))
        return list(rows)
