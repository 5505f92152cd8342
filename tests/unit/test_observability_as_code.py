"""Alert rules and the Grafana dashboard are code: every expression parses as PromQL and reads only metrics the
processes really export (kernel/metrics.py), and the checked-in files are what deploy/render_observability.py
renders (tests/unit/test_deploy_manifests.py checks staleness for all of deploy/)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import promql_parser
import yaml
from prometheus_client import REGISTRY

import kernel.metrics  # noqa: F401 - registers the metrics
from deploy import render_observability

OBS = Path(render_observability.__file__).resolve().parent / "observability"
_SUFFIXES = ("_bucket", "_count", "_sum", "_total")


def _exported() -> set[str]:
    # A labelled metric has no samples until first used: derive the series names from each family's type.
    series = {"histogram": ("_bucket", "_count", "_sum"), "counter": ("_total",), "gauge": ("",)}
    return {family.name + suffix for family in REGISTRY.collect() for suffix in series.get(family.type, ("",))}


def _metrics_in(expr: str) -> set[str]:
    without_labels = re.sub(r"\{[^}]*\}", "", expr)
    words = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", without_labels))
    return {w for w in words if w.endswith(_SUFFIXES + ("_seconds", "_messages"))}


def _expressions() -> list[str]:
    rules = yaml.safe_load((OBS / "prometheus-rules.yaml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    board = json.loads((OBS / "grafana" / "golden-signals.json").read_text())
    return exprs + [t["expr"] for p in board["panels"] for t in p["targets"]]


def test_every_expression_parses_and_reads_exported_metrics():
    exported = _exported()
    exprs = _expressions()
    assert len(exprs) >= 15
    for expr in exprs:
        promql_parser.parse(expr)  # raises on invalid PromQL
        used = _metrics_in(expr)
        assert used, expr
        assert used <= exported, (expr, used - exported)


def test_the_issue_alerts_exist_with_severity():
    rules = yaml.safe_load((OBS / "prometheus-rules.yaml").read_text())["groups"][0]["rules"]
    names = {r["alert"] for r in rules}
    assert {"HighErrorRate", "LatencyOverBudget", "PaymentFailureSpike", "OutboxLag", "ConsumerLag"} <= names
    assert all(r["labels"]["severity"] in ("page", "ticket") for r in rules)
    error_rule = next(r for r in rules if r["alert"] == "HighErrorRate")
    assert "> 0.01" in error_rule["expr"]


def test_prometheus_keeps_only_our_pods_with_an_http_port():
    config = yaml.safe_load((OBS / "prometheus.yml").read_text())
    assert config["rule_files"] == ["prometheus-rules.yaml"]
    keep = [r for r in config["scrape_configs"][0]["relabel_configs"] if r.get("action") == "keep"]
    assert {r["regex"] for r in keep} == {"marketplace", "http|metrics"}
