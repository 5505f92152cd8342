"""An admin changes a feature flag: swapped in the shared store, with an audit row and an event.

The flag lives in Redis (what every service reads), the audit trail and the event in this service's database.
The two cannot share one transaction, so a change goes: open the transaction → swap the flag in Redis atomically
(which yields the exact flag replaced) → write the audit row and `feature_flag.changed` to the outbox → commit.
If Redis refuses, nothing is written. If the commit fails after Redis took the change, the old flag is put back
(best effort) and the error surfaces, so an unaudited change does not stay silently in force. That compensation
must see the commit fail, so this use case opens and commits its unit of work itself (as orders' place_order).
"""
from __future__ import annotations

from datetime import datetime, timezone

import structlog

from apps.backoffice.domain import state, valid_key
from apps.backoffice.orm import FeatureFlagAudit
from apps.backoffice.repository import FlagAuditRepository
from kernel.auth import CurrentUser
from kernel.context import current_context
from kernel.errors import ServiceUnavailable, ValidationFailed
from kernel.events import Actor
from kernel.flags import FeatureFlags, Flag, FlagStoreUnavailable, InvalidFlag
from kernel.uow import UnitOfWork

log = structlog.get_logger("backoffice.flags")


def _unavailable(exc: Exception) -> ServiceUnavailable:
    return ServiceUnavailable("The feature flag store (Redis) is unavailable; nothing was changed.",
                              errors=[{"field": "redis", "message": str(exc)}])


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
            await uow.repository(FlagAuditRepository).add(audit)
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
