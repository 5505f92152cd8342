"""Write the product plan's flags once when missing (at start); an admin's later choice is never overridden."""
from __future__ import annotations

from dataclasses import replace

import structlog

from apps.backoffice.domain import SEEDS
from kernel.flags import FeatureFlags, FlagStoreUnavailable

log = structlog.get_logger("backoffice.flags")


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
