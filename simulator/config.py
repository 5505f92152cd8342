"""What a simulated world is made of: sizes, rates and the time window. Everything else follows from the seed."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from datetime import date, datetime, time, timedelta, timezone

ORDER_PREFIX = "SIM-"  # never the services' ORDER_NO_PREFIX ("MKT-"), so simulated orders cannot collide


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class SimConfig:
    seed: int = 7
    days: int = 365
    end: date = field(default_factory=today_utc)  # history covers [end - days, end), midnight UTC
    shoppers: int = 5_000
    vendors: int = 50
    skus: int = 2_000
    factors: int = 8  # latent taste dimensions
    orders_per_shopper_year: float = 5.0
    browse_sessions_per_order: float = 5.0
    anonymous_share: float = 0.25  # browse sessions without a signed-in shopper
    pre_existing_shoppers: float = 0.6  # share signed up before the window; the rest join during it
    fraud_share: float = 0.015  # fraudulent orders among all orders (roughly)
    currency: str = "USD"

    def __post_init__(self) -> None:
        if self.days < 1 or self.shoppers < 10 or self.vendors < 1 or self.skus < self.vendors:
            raise ValueError("need days >= 1, shoppers >= 10, vendors >= 1 and skus >= vendors")

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days)

    @cached_property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=timezone.utc)

    @cached_property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time(0), tzinfo=timezone.utc)

    def day_start(self, day: int) -> datetime:
        return self.start_at + timedelta(days=day)

    @cached_property
    def run_key(self) -> str:
        """Six characters naming this world and window: same inputs → same key → the same ids on a re-run, so
        replaying a backfill is absorbed by the eventId dedupe downstream instead of doubling figures."""
        raw = repr(sorted((f.name, getattr(self, f.name)) for f in fields(self))).encode()
        digest = hashlib.blake2b(raw, digest_size=8).digest()
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        number = int.from_bytes(digest, "big")
        return "".join(alphabet[(number >> (5 * i)) & 31] for i in range(6))

    @property
    def run_id(self) -> str:
        return f"{self.end.isoformat()}-{self.run_key}"

    def order_no(self, seq: int) -> str:
        return f"{ORDER_PREFIX}{self.run_key}-{seq:07d}"

    def as_dict(self) -> dict:
        out = asdict(self)
        out["end"], out["start"], out["run_key"] = self.end.isoformat(), self.start.isoformat(), self.run_key
        return out


def sub_seed(seed: int, *parts: object) -> int:
    """An independent, reproducible seed for one stream of randomness (e.g. ("day", 17, "ids"))."""
    digest = hashlib.blake2b(repr((seed, *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")
