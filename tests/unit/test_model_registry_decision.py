"""The alias rule: champion only for a version that beats its baseline and the current champion on one hold-out."""
from models.base import Evaluation
from models.registry import CHALLENGER, CHAMPION, decide


def _ev(value: float, baseline: float, greater: bool = True) -> Evaluation:
    return Evaluation(metric="m", value=value, baseline=baseline, greater_is_better=greater)


def test_first_version_that_beats_its_baseline_becomes_champion():
    alias, reason = decide(_ev(0.3, 0.2), None, None)
    assert alias == CHAMPION and "no champion yet" in reason


def test_a_version_that_does_not_beat_its_baseline_stays_challenger_even_without_champion():
    alias, reason = decide(_ev(0.2, 0.25), None, None)
    assert alias == CHALLENGER and "baseline" in reason


def test_a_better_version_replaces_the_champion_and_a_worse_one_does_not():
    assert decide(_ev(0.31, 0.2), 0.30, "3")[0] == CHAMPION
    alias, reason = decide(_ev(0.29, 0.2), 0.30, "3")
    assert alias == CHALLENGER and "v3" in reason


def test_lower_is_better_metrics_compare_the_other_way():
    assert decide(_ev(0.8, 1.0, greater=False), 0.9, "1")[0] == CHAMPION
    assert decide(_ev(0.95, 1.0, greater=False), 0.9, "1")[0] == CHALLENGER
    assert decide(_ev(1.1, 1.0, greater=False), None, None)[0] == CHALLENGER


def test_a_champion_that_could_not_be_scored_loses_to_a_real_figure():
    assert decide(_ev(0.3, 0.2), float("nan"), "2")[0] == CHAMPION
