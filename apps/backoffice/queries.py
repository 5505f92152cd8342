"""Reads of the back office's own data: feature flags from the shared store (Redis), their audit trail. The
warehouse metrics are read by analytics.py."""
from __future__ import annotations

from apps.backoffice.domain import valid_key
from apps.backoffice.orm import FeatureFlagAudit
from apps.backoffice.repository import FlagAuditRepository
from kernel.errors import NotFound, ServiceUnavailable
from kernel.flags import FeatureFlags, Flag, FlagStoreUnavailable
from kernel.uow import UnitOfWork


async def list_flags(flags: FeatureFlags) -> list[Flag]:
    try:
        return await flags.all()
    except FlagStoreUnavailable as exc:
        raise ServiceUnavailable("The feature flag store (Redis) is unavailable.") from exc


async def get_flag(flags: FeatureFlags, key: str) -> Flag:
    try:
        flag = await flags.fetch(valid_key(key))
    except FlagStoreUnavailable as exc:
        raise ServiceUnavailable("The feature flag store (Redis) is unavailable.") from exc
    if flag is None:
        raise NotFound(f"No feature flag {key!r}.")
    return flag


async def audit_trail(uow: UnitOfWork, *, key: str, limit: int) -> list[FeatureFlagAudit]:
    return await uow.repository(FlagAuditRepository).audit_trail(valid_key(key), limit=limit)
