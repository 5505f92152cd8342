"""Reproducible ids: UUIDv7 whose timestamp is the simulated time and whose random bits come from a seeded stream.

Same seed → the same ids, so a re-run is deduplicated downstream; 74 random bits keep them from ever meeting
the services' own (truly random) UUIDv7s.
"""
from __future__ import annotations

import random
from datetime import datetime

_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TRACKING_PREFIX = "SIM1Z"


def uuid7_at(ms: int, rand74: int) -> str:
    rand_a = (rand74 >> 62) & 0xFFF
    rand_b = rand74 & ((1 << 62) - 1)
    value = ((ms & ((1 << 48) - 1)) << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class IdSource:
    """One seeded stream of ids; call order must be deterministic for the ids to be."""

    def __init__(self, seed: int) -> None:
        self._rand = random.Random(seed)

    def uuid(self, at: datetime) -> str:
        return uuid7_at(int(at.timestamp() * 1000), self._rand.getrandbits(74))

    def token(self, length: int) -> str:
        return "".join(self._rand.choice(_ALNUM) for _ in range(length))

    def tracking_no(self) -> str:
        return TRACKING_PREFIX + self.token(12)

    def hex(self, length: int) -> str:
        return f"{self._rand.getrandbits(4 * length):0{length}x}"
