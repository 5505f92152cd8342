"""The back office database as its use cases see it (`uow.repository(FlagAuditRepository)`): the feature-flag
audit trail."""
from __future__ import annotations

from sqlalchemy import select

from apps.backoffice.orm import FeatureFlagAudit
from kernel.uow import Repository


class FlagAuditRepository(Repository):
    async def audit_trail(self, key: str, *, limit: int) -> list[FeatureFlagAudit]:
        """One flag's changes, newest first."""
        rows = await self.session.scalars(select(FeatureFlagAudit).where(FeatureFlagAudit.flag_key == key)
                                          .order_by(FeatureFlagAudit.changed_at.desc(), FeatureFlagAudit.id.desc())
                                          .limit(limit))
        return list(rows)
