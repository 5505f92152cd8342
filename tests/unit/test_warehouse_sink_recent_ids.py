"""When the sink may skip the warehouse lookup: only for events it can prove are new (streams/warehouse_sink/recent_ids)."""
from __future__ import annotations

from streams.warehouse_sink.recent_ids import BUCKET_SECONDS, RecentIds


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def recent(clock: Clock, horizon: float = 300, max_ids: int = 1_000, skew: float = 2) -> RecentIds:
    return RecentIds(horizon, max_ids, skew, clock=clock)


def test_events_from_before_the_start_are_looked_up_and_later_ones_are_new():
    clock = Clock(10_000.0)
    ids = recent(clock)
    triage = ids.triage([("backlog", 9_990.0), ("within-skew", 10_001.0), ("fresh", 10_003.0)])
    assert (triage.unsure, triage.new, triage.landed) == ([0, 1], [2], [])


def test_a_replay_of_a_landed_event_is_known_without_a_query():
    clock = Clock(10_000.0)
    ids = recent(clock)
    ids.remember([("a", 10_005.0), ("old", 9_800.0)])
    clock.now = 10_060.0
    triage = ids.triage([("a", 10_005.0), ("old", 9_800.0), ("b", 10_050.0)])
    assert triage.landed == [0, 1] and triage.new == [2] and triage.unsure == []


def test_a_rebalance_makes_every_earlier_event_unsure_again():
    clock = Clock(10_000.0)
    ids = recent(clock)
    ids.remember([("a", 10_005.0)])
    clock.now = 10_100.0
    ids.restart()  # another worker may have landed events of the partitions that moved here
    triage = ids.triage([("a", 10_005.0), ("other", 10_050.0), ("fresh", 10_103.0)])
    assert triage.landed == [0] and triage.unsure == [1] and triage.new == [2]


def test_ids_older_than_the_horizon_are_forgotten_and_such_events_looked_up():
    clock = Clock(10_000.0)
    ids = recent(clock, horizon=60)
    ids.remember([("a", 10_010.0)])
    clock.now = 10_200.0
    ids.remember([("b", 10_195.0)])
    assert len(ids) == 1
    triage = ids.triage([("a", 10_010.0), ("late-first-delivery", 10_020.0), ("c", 10_199.0)])
    assert triage.unsure == [0, 1] and triage.new == [2]


def test_the_id_cap_drops_the_oldest_buckets_and_raises_the_floor():
    clock = Clock(10_000.0)
    ids = recent(clock, max_ids=3)
    start = 10_000.0 + BUCKET_SECONDS  # a bucket boundary after the start
    ids.remember([("a", start + 1), ("b", start + 2)])
    ids.remember([("c", start + BUCKET_SECONDS + 1), ("d", start + BUCKET_SECONDS + 2)])
    assert len(ids) == 2  # the first bucket went
    triage = ids.triage([("a", start + 1), ("c", start + BUCKET_SECONDS + 1), ("e", start + BUCKET_SECONDS + 3)])
    assert triage.unsure == [0] and triage.landed == [1] and triage.new == [2]
