"""Live sessions by the world's own shoppers (`mkt simulate world` seeded them): each signs in with the simulator's
password, ships to their home city, uses their own device, and picks products by their hidden taste — the same
choice model (population.pref) that generated the backfilled history — over the whole live catalog.
"""
from __future__ import annotations

import httpx
import numpy as np

from simulator.api import call
from simulator.catalog_data import CITIES
from simulator.config import SimConfig
from simulator.flows import Nudge, no_nudge
from simulator.live import LiveDriver, LiveProduct, LiveShopper
from simulator.population import Population, build_population
from simulator.world import build_world
from simulator.world_spec import SIM_PASSWORD, shopper_email


class WorldLiveDriver(LiveDriver):
    def __init__(self, http: httpx.AsyncClient, products: list[LiveProduct], cfg: SimConfig, *, seed: int,
                 nudge: Nudge = no_nudge) -> None:
        super().__init__(http, products, seed=seed, nudge=nudge)
        self.cfg = cfg
        world = build_world(cfg)
        self.population: Population = build_population(world)
        by_id = {p.id: p for p in products}
        # The world's products as live rows (None: not on sale, e.g. not approved or not seeded).
        self.world_products = [by_id.get(p.id) for p in world.products]
        self.password = SIM_PASSWORD
        self._order = self.rng.permutation(len(self.population.shoppers))

    async def register(self, i: int) -> LiveShopper | None:
        """Sign in as the i-th of a random order of the world's shoppers (nobody registers)."""
        shopper = self.population.shoppers[int(self._order[i % len(self._order)])]
        email = shopper_email(self.cfg, shopper)
        login = self._count(await call(self.http, "POST", "/v1/auth/login",
                                       json={"email": email, "password": SIM_PASSWORD}), "login")
        if login.status_code != 200:
            return None
        token = login.json()["accessToken"]
        city, country, prefix = CITIES[shopper.city]
        addr = self._count(await call(self.http, "POST", "/v1/me/addresses", token=token, json={
            "label": "Home", "line1": f"{shopper.idx % 997 + 1} Main St", "city": city,
            "postalCode": f"{prefix}{shopper.idx % 100:02d}", "country": country, "isDefault": True}), "address")
        self.stats.counts["shoppers"] += 1
        return LiveShopper(email, token, shopper.id, addr.json().get("id") if addr.status_code == 201 else None,
                           shopper.devices[0], np.zeros(0), world_idx=shopper.idx)

    def _pick(self, sh: LiveShopper, k: int) -> list[LiveProduct]:
        """k products drawn from the shopper's true preferences, among those on sale; taste-less: as before."""
        if sh.world_idx is None:
            return super()._pick(sh, k)
        picks = [self.world_products[int(p)] for p in self.population.pick_products(sh.world_idx, 4 * k, self.rng)]
        found = [p for p in picks if p is not None][:k]
        return found or [self.products[int(i)] for i in self.rng.integers(0, len(self.products), size=k)]

