"""Labelled fraud, the fraud models' ground truth. Three patterns, each with the signals real fraud leaves:

- fraud_ring: a handful of accounts created together that share devices, stolen cards and drop addresses,
  ordering high-value goods in bursts;
- stolen_card: a brand-new account on a new device trying several foreign cards within the hour (card testing:
  declines first), billing country ≠ shipping country, high-value goods to a drop address;
- account_farm: one device opening many fresh accounts, each ordering once with its own card.
Most fraudulent payments come back as chargebacks weeks later. Genuine orders are labelled "legit".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from simulator import catalog_data as data
from simulator.checkout import OrderPlan
from simulator.config import sub_seed
from simulator.ids import IdSource
from simulator.population import Shopper, new_card, new_device
from simulator.world import World

SHARES = {"fraud_ring": 0.25, "stolen_card": 0.55, "account_farm": 0.2}
ORDERS_PER_INCIDENT = {"fraud_ring": 13.0, "stolen_card": 3.0, "account_farm": 4.5}
HIGH_VALUE_QUANTILE = 0.85


@dataclass
class FraudOrder:
    """A fraudulent checkout waiting for its day; the lines are chosen then, from what is in stock."""

    at: datetime
    account: Shopper
    device: str
    card: tuple[str, str]
    city: tuple[str, str, str]
    ip_country: str
    pattern: str
    declines: int
    pays: bool
    chargeback: bool
    max_qty: int = 1


class FraudModel:
    def __init__(self, world: World, first_shopper_idx: int) -> None:
        cfg = world.config
        self.world, self.cfg = world, cfg
        self.rng = np.random.default_rng(sub_seed(cfg.seed, "fraud"))
        self.ids = IdSource(sub_seed(cfg.seed, "fraud-ids"))
        self.accounts: list[Shopper] = []
        self.schedule: dict[int, list[FraudOrder]] = {}
        self._next_idx = first_shopper_idx
        target = cfg.fraud_share * cfg.shoppers * cfg.orders_per_shopper_year * cfg.days / 365.0 * 0.8
        for pattern, share in SHARES.items():
            incidents = self.rng.poisson(target * share / ORDERS_PER_INCIDENT[pattern])
            for _ in range(int(incidents)):
                getattr(self, f"_{pattern}")()
        prices = world.sku_price
        self.high_value = np.flatnonzero(prices >= np.quantile(prices, HIGH_VALUE_QUANTILE))

    # -- accounts and places ---------------------------------------------------------------------------
    def _account(self, at: datetime, pattern: str, devices: list[str], cards: list[tuple[str, str]]) -> Shopper:
        city = int(self.rng.integers(0, 16))  # a US city of record
        domain = data.THROWAWAY_DOMAINS[int(self.rng.integers(0, len(data.THROWAWAY_DOMAINS)))] \
            if self.rng.random() < 0.6 else data.EMAIL_DOMAINS[0]
        shopper = Shopper(self._next_idx, self.ids.uuid(at), at, (at - self.cfg.start_at).days, city, domain,
                          devices, cards, fraud=pattern)
        self._next_idx += 1
        self.accounts.append(shopper)
        return shopper

    def _drop(self) -> tuple[str, str, str]:
        city, country, prefix = data.DROP_CITIES[int(self.rng.integers(0, len(data.DROP_CITIES)))]
        return city, country, f"{prefix}{int(self.rng.integers(0, 100)):02d}"

    def _foreign_card(self) -> tuple[str, str]:
        return new_card(self.ids, data.FRAUD_CARD_COUNTRIES[int(self.rng.integers(0, len(data.FRAUD_CARD_COUNTRIES)))])

    def _moment(self, low_day: int = 0) -> datetime:
        day = int(self.rng.integers(low_day, self.cfg.days))
        return self.cfg.day_start(day) + timedelta(seconds=int(self.rng.integers(0, 86_400)))

    def _add(self, order: FraudOrder) -> None:
        day = (order.at - self.cfg.start_at).days
        if 0 <= day < self.cfg.days:
            self.schedule.setdefault(day, []).append(order)

    # -- patterns ----------------------------------------------------------------------------------------
    def _fraud_ring(self) -> None:
        rng = self.rng
        first = self._moment(low_day=min(3, self.cfg.days - 1))
        devices = [new_device(self.ids) for _ in range(int(rng.integers(1, 3)))]
        cards = [self._foreign_card() if rng.random() < 0.6 else new_card(self.ids, "US")
                 for _ in range(int(rng.integers(2, 5)))]
        drops = [self._drop() for _ in range(int(rng.integers(1, 3)))]
        created = first - timedelta(days=float(rng.uniform(1, 10)))
        accounts = [self._account(created + timedelta(minutes=int(rng.integers(0, 240))), "fraud_ring",
                                  devices, cards) for _ in range(int(rng.integers(3, 9)))]
        bursts = [first] + [first + timedelta(days=float(rng.uniform(2, 60))) for _ in range(int(rng.integers(1, 5)))]
        for burst in bursts:
            for account in accounts:
                if rng.random() < 0.7:
                    card = cards[int(rng.integers(0, len(cards)))]
                    self._add(FraudOrder(
                        burst + timedelta(minutes=int(rng.integers(0, 180))), account,
                        devices[int(rng.integers(0, len(devices)))], card, drops[int(rng.integers(0, len(drops)))],
                        "US" if rng.random() < 0.7 else card[1], "fraud_ring", int(rng.poisson(0.5)),
                        bool(rng.random() < 0.9), bool(rng.random() < 0.7), max_qty=2))

    def _stolen_card(self) -> None:
        rng = self.rng
        first = self._moment()
        device = new_device(self.ids)
        cards = [self._foreign_card() for _ in range(int(rng.integers(2, 6)))]
        account = self._account(first - timedelta(minutes=int(rng.integers(5, 90))), "stolen_card", [device], cards)
        drop = self._drop()
        ip = data.FRAUD_CARD_COUNTRIES[int(rng.integers(0, len(data.FRAUD_CARD_COUNTRIES)))]
        at = first
        for n in range(int(rng.integers(2, 5))):
            self._add(FraudOrder(at, account, device, cards[n % len(cards)], drop, ip, "stolen_card",
                                 int(rng.integers(1, 4)) if n == 0 else int(rng.poisson(0.3)),
                                 bool(rng.random() < 0.8), bool(rng.random() < 0.85), max_qty=2))
            at += timedelta(minutes=int(rng.integers(3, 25)))

    def _account_farm(self) -> None:
        rng = self.rng
        first = self._moment()
        device = new_device(self.ids)
        drop = self._drop()
        for n in range(int(rng.integers(3, 7))):
            card = self._foreign_card() if rng.random() < 0.5 else new_card(self.ids, "US")
            created = first + timedelta(hours=float(rng.uniform(0, 20)))
            account = self._account(created, "account_farm", [device], [card])
            self._add(FraudOrder(created + timedelta(minutes=int(rng.integers(10, 240))), account, device, card,
                                 drop if rng.random() < 0.6 else self._drop(), "US", "account_farm",
                                 int(rng.poisson(0.4)), bool(rng.random() < 0.85), bool(rng.random() < 0.6)))

    # -- the day's fraudulent checkouts -----------------------------------------------------------------
    def due(self, day: int) -> list[FraudOrder]:
        return sorted(self.schedule.get(day, []), key=lambda o: o.at)

    def pick_lines(self, order: FraudOrder, launched: np.ndarray, rng: np.random.Generator) -> list[tuple[int, int]]:
        """High-value SKUs on sale that day: (sku, qty)."""
        pool = self.high_value[launched[self.high_value]]
        if pool.size == 0:
            return []
        n = 1 + int(rng.random() < 0.35)
        skus = rng.choice(pool, size=min(n, pool.size), replace=False)
        return [(int(s), int(rng.integers(1, order.max_qty + 1))) for s in skus]

    def plan(self, order: FraudOrder, lines: list, rng: np.random.Generator) -> OrderPlan:
        return OrderPlan(order.account, order.at, lines, order.device, order.card, order.city, order.ip_country,
                         "express" if rng.random() < 0.5 else "standard", order.pattern, order.declines,
                         order.pays, order.chargeback and order.pays)
