"""kernel/heap.py: a started server process keeps the collector off what it built at start-up."""
from __future__ import annotations

import gc

import pytest

from kernel import heap


@pytest.fixture
def restored_gc():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    heap.heap_settings.cache_clear()


def test_freeze_moves_what_exists_out_of_the_collectors_reach(restored_gc, monkeypatch):
    monkeypatch.delenv("GC_YOUNG_THRESHOLD", raising=False)
    monkeypatch.delenv("GC_FREEZE", raising=False)
    heap.heap_settings.cache_clear()
    before = gc.get_threshold()
    kept = [{"started": i} for i in range(1000)]  # built at start-up, alive for good
    heap.freeze()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == before  # CPython's thresholds by default


def test_the_young_generations_threshold_is_configurable(restored_gc, monkeypatch):
    monkeypatch.setenv("GC_YOUNG_THRESHOLD", "5000")
    heap.heap_settings.cache_clear()
    heap.freeze()
    assert gc.get_threshold()[0] == 5000


def test_settings_can_leave_the_collector_as_it_is(restored_gc, monkeypatch):
    monkeypatch.setenv("GC_YOUNG_THRESHOLD", "0")
    monkeypatch.setenv("GC_FREEZE", "false")
    heap.heap_settings.cache_clear()
    before = gc.get_threshold()
    heap.freeze()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
