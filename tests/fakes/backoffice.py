"""In-memory stand-ins for the back office's two stores: the shared feature-flag store (kernel.flags.FeatureFlags,
Redis in production) and its database's audit trail (FlagAuditRepository)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from apps.backoffice.orm import FeatureFlagAudit
from apps.backoffice.repository import FlagAuditRepository
from kernel.flags import Flag, FlagStoreUnavailable
from kernel.testing import FakeRepository, FakeUnitOfWork


class FakeFlagStore:
    """FeatureFlags' strict admin operations on a dict; `down = True` makes every one raise as Redis down does."""

    def __init__(self, *flags: Flag) -> None:
        self.flags = {f.key: f for f in flags}
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise FlagStoreUnavailable("feature flag store unavailable: ConnectionError")

    async def fetch(self, key: str) -> Flag | None:
        self._check()
        return self.flags.get(key)

    async def all(self) -> list[Flag]:
        self._check()
        return sorted(self.flags.values(), key=lambda f: f.key)

    async def replace(self, flag: Flag) -> tuple[Flag | None, Flag]:
        self._check()
        stored = flag if flag.updated_at else replace(flag, updated_at=datetime.now(timezone.utc))
        before, self.flags[flag.key] = self.flags.get(flag.key), stored
        return before, stored

    async def put(self, flag: Flag) -> Flag:
        return (await self.replace(flag))[1]

    async def remove(self, key: str) -> bool:
        self._check()
        return self.flags.pop(key, None) is not None

    async def put_if_absent(self, flag: Flag) -> bool:
        self._check()
        if flag.key in self.flags:
            return False
        self.flags[flag.key] = flag
        return True


class FakeFlagAuditRepository(FakeRepository):
    async def audit_trail(self, key: str, *, limit: int) -> list[FeatureFlagAudit]:
        rows = [r for r in self.rows(FeatureFlagAudit) if r.flag_key == key]
        return sorted(rows, key=lambda r: r.changed_at, reverse=True)[:limit]


class CommitFails(FakeUnitOfWork):
    """A unit of work whose commit is lost (the database went away after Redis took the change)."""

    async def commit(self) -> None:
        raise ConnectionResetError("database connection lost at commit")


def backoffice_world(*flags: Flag, commit_fails: bool = False
                     ) -> tuple[FakeUnitOfWork, FakeFlagAuditRepository, FakeFlagStore]:
    repo = FakeFlagAuditRepository()
    uow_class = CommitFails if commit_fails else FakeUnitOfWork
    return uow_class({FlagAuditRepository: repo}), repo, FakeFlagStore(*flags)
