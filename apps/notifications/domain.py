"""Pure notification rules: channels, template keys, retry backoff and the message state machine."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def backoff_seconds(attempts: int, *, base: float, cap: float) -> float:
    """Wait before retry number `attempts` (1 = after the first failure): base, 2·base, 4·base, … ≤ cap."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def after_failure(*, attempts: int, max_attempts: int, permanent: bool, now: datetime, base: float,
                  cap: float) -> tuple[str, datetime | None]:
    """(status, next attempt time): failed for good once attempts are used up or the error cannot heal."""
    if permanent or attempts >= max_attempts:
        return "failed", None
    return "queued", now + timedelta(seconds=backoff_seconds(attempts, base=base, cap=cap))
