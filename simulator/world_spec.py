"""The simulated world as the services must hold it: accounts, categories, brands, approved vendors, products with
their SKUs, and opening stock — with the same ids, slugs and times the backfilled history carries.

Plain data only (the simulator never imports the services): `mkt simulate world` turns it into the services' use
cases. Emails and the password are derived from the config, so `mkt simulate live` can sign in as the same
shoppers the history knows, with their hidden tastes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from kernel.settings import common_settings
from simulator.config import SimConfig
from simulator.engine import Simulation
from simulator.population import Shopper
from simulator.world import World

SIM_PASSWORD = "Sim-shopper-pass-1"  # every world account's password: the simulator signs in as them


@dataclass(frozen=True)
class Account:
    user_id: str
    email: str
    name: str
    roles: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class VendorSpec:
    id: str
    owner_id: str
    owner_email: str
    name: str
    commission_bps: int
    applied_at: datetime
    approved_at: datetime


@dataclass(frozen=True)
class ProductSpec:
    id: str
    vendor_id: str
    slug: str
    body: dict  # the vendor API's create body (camelCase), as POST /v1/vendors/{id}/products takes it
    created_at: datetime
    approved_at: datetime | None  # None: still awaiting approval when the window closes


@dataclass
class WorldSpec:
    config: SimConfig
    admin: Account
    accounts: list[Account]  # vendor owners, shoppers and fraudsters' accounts, in that order
    categories: list[dict] = field(default_factory=list)  # id, name, slug, parentId, sort, at (parents first)
    brands: list[dict] = field(default_factory=list)  # id, name, slug, at
    vendors: list[VendorSpec] = field(default_factory=list)
    products: list[ProductSpec] = field(default_factory=list)
    stock: dict[str, tuple[int, int]] = field(default_factory=dict)  # sku → (opening on hand, reorder point)
    sku_index: dict[str, tuple[int, int]] = field(default_factory=dict)  # sku → (world SKU index, reorder point)

    @property
    def skus(self) -> list[str]:
        return [v["sku"] for p in self.products for v in p.body["variants"]]

    def set_on_hand(self, on_hand: np.ndarray) -> None:
        """Opening stock per listed SKU from a per-world-SKU array (the simulation's initial or final stock)."""
        self.stock = {sku: (int(on_hand[i]), reorder) for sku, (i, reorder) in self.sku_index.items()}


def _local(cfg: SimConfig) -> str:
    return f"sim-{cfg.run_key.lower()}"


def shopper_email(cfg: SimConfig, shopper: Shopper) -> str:
    """The run key keeps two worlds (another seed, window or size) from sharing addresses."""
    return f"{_local(cfg)}-u{shopper.idx}@{shopper.email_domain}"


def owner_email(cfg: SimConfig, vendor_idx: int) -> str:
    return f"{_local(cfg)}-v{vendor_idx}@example.com"


def _accounts(sim: Simulation) -> list[Account]:
    cfg, end = sim.cfg, sim.cfg.end_at
    owners = [Account(v.owner_id, owner_email(cfg, v.idx), f"{v.name} owner", ("customer",), v.owner_created_at)
              for v in sim.world.vendors]
    # Fraud accounts opened after the window are not in the history yet: neither are they here.
    people = [s for s in [*sim.population.shoppers, *sim.fraud.accounts] if s.created_at < end]
    return owners + [Account(s.id, shopper_email(cfg, s), f"Shopper {s.idx}", ("customer",), s.created_at)
                     for s in people]


def _product_body(world: World, p, prices: list[int]) -> dict:
    skus = list(range(p.sku_slice.start, p.sku_slice.stop))
    option = world.sku_option[skus[0]][0]
    values = list(dict.fromkeys(world.sku_option[s][1] for s in skus))
    chosen = [dict([world.sku_option[s]]) for s in skus]
    options = [{"name": option, "values": values}]
    if len(values) < len(skus):  # more variants than the axis has values (4 SKUs, sizes S/M/L): packs tell them apart
        packs = [str(1 + i // len(values)) for i in range(len(skus))]
        options.append({"name": "Pack", "values": list(dict.fromkeys(packs))})
        chosen = [{**c, "Pack": pack} for c, pack in zip(chosen, packs)]
    variants = [{"sku": world.sku_codes[s], "optionValues": chosen[i], "priceMinor": prices[i],
                 "currency": world.config.currency, "weightGrams": int(world.sku_weight[s])}
                for i, s in enumerate(skus)]
    return {"title": p.title, "categoryIds": [world.categories[p.category].id], "brandId": world.brands[p.brand].id,
            "options": options, "variants": variants}


def _products(sim: Simulation) -> list[ProductSpec]:
    """Listed at the price the history's product.created carries; later price changes are the history's."""
    world, out = sim.world, []
    for p in world.products:
        if p.created_at >= sim.cfg.end_at:  # listed after the window: not in the history
            continue
        prices = [int(x) for x in sim.demand.list_price(max(0, p.launch_day))[p.sku_slice]]
        approved = p.approved_at if p.approved_at < sim.cfg.end_at else None
        out.append(ProductSpec(p.id, world.vendors[p.vendor].id, p.slug, _product_body(world, p, prices),
                               p.created_at, approved))
    return out


def build_spec(cfg: SimConfig, stock_on_hand: np.ndarray | None = None) -> WorldSpec:
    """The world of `cfg`; `stock_on_hand` (per SKU, e.g. the simulation's stock at the window's end) replaces
    the opening stock the history starts from."""
    sim = Simulation(cfg)
    world = sim.world
    admin_at = cfg.start_at - timedelta(days=120)
    admin = Account(sim.admin_id, f"{_local(cfg)}-admin@example.com", "Simulator admin", ("super_admin",), admin_at)
    spec = WorldSpec(cfg, admin, _accounts(sim))
    spec.categories = [{"id": c.id, "name": c.name, "slug": c.slug, "parentId": c.parent_id, "sort": c.sort,
                        "at": c.created_at} for c in world.categories]
    spec.brands = [{"id": b.id, "name": b.name, "slug": b.slug, "at": b.created_at} for b in world.brands]
    spec.vendors = [VendorSpec(v.id, v.owner_id, owner_email(cfg, v.idx), v.name, v.commission_bps, v.applied_at,
                               v.approved_at) for v in world.vendors]
    spec.products = _products(sim)
    listed = set(spec.skus)
    spec.sku_index = {code: (i, int(sim.stock.reorder_point[i])) for i, code in enumerate(world.sku_codes)
                      if code in listed}
    spec.set_on_hand(sim.stock.initial if stock_on_hand is None else stock_on_hand)
    return spec


def end_of_window_stock(cfg: SimConfig, on_day=None) -> np.ndarray:
    """Each SKU's stock when the window closes: the whole simulation runs (about 45 s for the default year)."""
    sim = Simulation(cfg)
    sim.setup()
    for day in range(cfg.days):
        sim.run_day(day)
        if on_day is not None:
            on_day(day)
    return sim.stock.available.copy()


def _world_file() -> Path:
    return common_settings().stack_dir / "simulator" / "world.json"


def remember_world(cfg: SimConfig) -> Path:
    """The last seeded world's config, so `mkt simulate live` signs in as its shoppers without being told."""
    path = _world_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({f.name: getattr(cfg, f.name) for f in fields(cfg)},
                               default=str, indent=2))
    return path


def last_world() -> SimConfig | None:
    path = _world_file()
    if not path.exists():
        return None
    raw = json.loads(path.read_text())
    return SimConfig(**{**raw, "end": date.fromisoformat(raw["end"])})
