"""Shipping's pure rules: zones, per-vendor parcels, flat and bracket rates, tracking state machine, promise."""
from datetime import datetime, timedelta, timezone

import pytest

from apps.shipping import domain
from apps.shipping.domain import Bracket, Line, RateTable

FLAT = RateTable("domestic", "standard", "flat", "USD", 5, flat_amount_minor=599)
TABLE = RateTable("domestic", "express", "table", "USD", 2, brackets=(
    Bracket(None, 2199, 300), Bracket(500, 999), Bracket(2000, 1499), Bracket(5000, 2199)))
INTL = RateTable("international", "standard", "table", "USD", 10, brackets=(Bracket(500, 1499), Bracket(2000, 2499)))
TABLES = (FLAT, TABLE, INTL)


def test_zone_is_domestic_only_in_the_origin_country():
    assert domain.zone_for("us", "US") == "domestic"
    assert domain.zone_for("DE", "US") == "international"


def test_flat_rate_ignores_weight():
    assert domain.parcel_price(FLAT, 1) == domain.parcel_price(FLAT, 90_000) == 599


@pytest.mark.parametrize(("grams", "amount"), [
    (1, 999), (500, 999), (501, 1499), (2000, 1499), (5000, 2199), (5001, 2499), (6000, 2499), (6001, 2799),
])
def test_brackets_are_inclusive_and_the_top_one_charges_per_started_kg(grams, amount):
    assert domain.parcel_price(TABLE, grams) == amount


def test_too_heavy_for_a_table_without_an_open_bracket_is_refused():
    with pytest.raises(domain.RuleViolation):
        domain.parcel_price(INTL, 2001)


def test_each_vendor_ships_one_parcel_and_unknown_weights_use_the_default():
    lines = [Line(2, 200, "v1"), Line(1, None, "v1"), Line(3, 100, "v2")]
    assert domain.parcel_weights(lines, default_item_grams=500) == {"v1": 900, "v2": 300}
    [rate] = domain.quote(TABLES, lines, country="US", origin_country="US", default_item_grams=500,
                          service_level="express")
    assert [p.amount_minor for p in rate.parcels] == [1499, 999]
    assert rate.amount_minor == 2498 and rate.eta_days == 2 and rate.zone == "domestic"


def test_quote_lists_the_zone_s_levels_cheapest_first():
    lines = [Line(1, 300)]
    rates = domain.quote(TABLES, lines, country="US", origin_country="US", default_item_grams=500)
    assert [(r.service_level, r.amount_minor) for r in rates] == [("standard", 599), ("express", 999)]
    intl = domain.quote(TABLES, lines, country="FR", origin_country="US", default_item_grams=500)
    assert [(r.service_level, r.amount_minor, r.eta_days) for r in intl] == [("standard", 1499, 10)]


def test_empty_or_zero_quantity_lines_are_refused():
    with pytest.raises(domain.RuleViolation):
        domain.parcel_weights([], default_item_grams=500)
    with pytest.raises(domain.RuleViolation):
        domain.parcel_weights([Line(0, 100)], default_item_grams=500)


def test_tracking_numbers_are_prefixed_and_unique():
    numbers = {domain.new_tracking_no() for _ in range(1000)}
    assert len(numbers) == 1000
    assert all(domain.is_tracking_no(n) and n.startswith("MKT1Z") and len(n) == 17 for n in numbers)
    assert not domain.is_tracking_no("MKT1Z123") and not domain.is_tracking_no("mkt1zabcdefabcdef")


@pytest.mark.parametrize(("current", "new"), [
    ("label_created", "in_transit"), ("in_transit", "in_transit"), ("in_transit", "out_for_delivery"),
    ("out_for_delivery", "delivered"), ("in_transit", "exception"), ("exception", "in_transit"),
    ("out_for_delivery", "in_transit"),
])
def test_allowed_transitions(current, new):
    domain.check_transition(current, new)


@pytest.mark.parametrize(("current", "new"), [
    ("label_created", "delivered"), ("label_created", "label_created"), ("delivered", "in_transit"),
    ("delivered", "delivered"), ("exception", "delivered"), ("in_transit", "teleported"),
])
def test_refused_transitions(current, new):
    with pytest.raises(domain.RuleViolation):
        domain.check_transition(current, new)


def test_late_means_delivered_after_label_time_plus_eta():
    label = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
    promise = domain.promised_at(label, 2)
    assert promise == datetime(2025, 3, 3, 12, tzinfo=timezone.utc)
    assert not domain.is_late(promise, promise)
    assert domain.is_late(promise + timedelta(seconds=1), promise)


def test_tracking_events_keep_their_order_and_window():
    label = datetime(2025, 3, 1, tzinfo=timezone.utc)
    domain.check_event_time(label + timedelta(days=1), last_at=label, label_at=label, window_days=90)
    with pytest.raises(domain.RuleViolation):
        domain.check_event_time(label - timedelta(seconds=1), last_at=label, label_at=label, window_days=90)
    with pytest.raises(domain.RuleViolation):
        domain.check_event_time(label + timedelta(days=91), last_at=label, label_at=label, window_days=90)
