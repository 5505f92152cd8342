"""The demand truth behaves as documented: weekly pattern, promotions lift, price elasticity, stock-outs cap
sales (the rest is recorded as lost) and restocks bring the shelf back."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from simulator.config import SimConfig
from simulator.demand import WEEKLY, DemandModel
from simulator.engine import Simulation
from simulator.population import build_population
from simulator.stock import StockBook
from simulator.world import build_world

CFG = SimConfig(seed=21, days=120, shoppers=800, vendors=6, skus=200, end=date(2025, 6, 2))


@pytest.fixture(scope="module")
def model() -> DemandModel:
    world = build_world(CFG)
    return DemandModel(world, build_population(world))


@pytest.fixture(scope="module")
def simulated() -> Simulation:
    sim = Simulation(CFG)
    sim.setup()
    for day in range(CFG.days):
        sim.run_day(day)
    return sim


def test_the_weekly_factor_follows_the_calendar_and_peaks_on_saturday(model):
    for day in range(14):
        assert model.components(day).weekly == pytest.approx(WEEKLY[(CFG.start.weekday() + day) % 7])
    assert int(np.argmax(WEEKLY)) == 5 and WEEKLY[5] > 1.15 * WEEKLY[1]


def test_realised_demand_shows_the_weekly_pattern(simulated):
    demanded = simulated.truth.demand["demanded"].sum(axis=1)
    weekday = np.array([(CFG.start.weekday() + d) % 7 for d in range(CFG.days)])
    assert demanded[weekday == 5].mean() > demanded[weekday == 1].mean()


def test_a_promotion_lifts_expected_demand(model):
    promo = next(p for p in model.promotions if p.end - p.start >= 3 and p.start > 0)
    skus = np.flatnonzero(model.world.sku_product == promo.product)
    during = model.components(promo.start + 1)
    assert np.all(during.promo[skus] == pytest.approx(model.promo_uplift[promo.start + 1, skus]))
    assert np.all(during.price[skus] < model.list_price(promo.start + 1)[skus])
    without = during.expected[skus] / during.promo[skus] / during.price_effect[skus]
    assert np.all(during.expected[skus] > without)


def test_price_effect_follows_the_category_elasticity(model):
    comp = model.components(10)
    expected = (comp.price / model.ref_price) ** model.elasticity
    assert np.allclose(comp.price_effect, expected)
    assert np.all(model.elasticity < 0)


def test_expected_demand_is_the_product_of_its_components(model):
    comp = model.components(30)
    product = model.base * comp.trend * comp.weekly * comp.yearly * comp.promo * comp.price_effect
    assert np.allclose(comp.expected, product)


def test_stock_caps_a_sale_and_triggers_a_restock(model):
    stock = StockBook(model.world, model)
    stock.available[0] = 2
    filled, crossed = stock.take(0, 5, day=3)
    assert (filled, int(stock.available[0])) == (2, 0)
    assert crossed or stock.reorder_point[0] > 2
    arrivals = [r for day in range(3, 3 + 2 * int(stock.lead[0]) + 1) for r in stock.arrivals(day)]
    assert [r.sku for r in arrivals] == [0] and stock.available[0] == arrivals[0].qty


def test_sales_never_exceed_the_shelf_and_stock_outs_are_recorded(simulated):
    d = simulated.truth.demand
    assert np.all(d["sold"] <= d["demanded"])
    assert np.all(d["lost"] <= d["demanded"])
    shelf = d["stock_start"] + d["restocked"]
    assert np.all(d["sold"] + simulated.truth.fraud_units <= shelf)
    assert d["demanded"].sum() == pytest.approx(d["expected"].sum(), rel=0.1)
    assert d["lost"].sum() > 0, "a small world over 120 days runs some SKU dry"
