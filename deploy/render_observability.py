"""Alert rules (Prometheus) and the golden-signals dashboard (Grafana), as code, over kernel/metrics.py's names.

Rendered by `python -m deploy.render` into deploy/observability/; tests parse every expression with a PromQL
parser and check each metric it reads is one the code defines.
"""
from __future__ import annotations

from typing import Any

# What a service answers within, at p95, before someone is paged (issue 12's purchase-flow goal is 400 ms).
P95_BUDGET_SECONDS = 0.4
REQ = "http_request_duration_seconds"

ALERTS: tuple[dict[str, Any], ...] = (
    {"alert": "HighErrorRate", "for": "5m", "severity": "page",
     "expr": f'sum by (service) (rate({REQ}_count{{status=~"5.."}}[5m])) '
             f'/ sum by (service) (rate({REQ}_count[5m])) > 0.01',
     "summary": "{{ $labels.service }} answers more than 1% of requests with a 5xx"},
    {"alert": "LatencyOverBudget", "for": "10m", "severity": "page",
     "expr": f"histogram_quantile(0.95, sum by (service, le) (rate({REQ}_bucket[5m]))) > {P95_BUDGET_SECONDS}",
     "summary": "{{ $labels.service }} p95 latency above " + f"{int(P95_BUDGET_SECONDS * 1000)} ms"},
    {"alert": "PaymentFailureSpike", "for": "10m", "severity": "page",
     "expr": 'sum(rate(consumer_events_handled_total{group="orders-reactions",type="payment.failed"}[15m])) '
             '/ sum(rate(consumer_events_handled_total{group="orders-reactions",'
             'type=~"payment.failed|payment.succeeded"}[15m])) > 0.2',
     "summary": "more than 20% of payments fail"},
    {"alert": "OutboxLag", "for": "5m", "severity": "page",
     "expr": "max by (service) (outbox_oldest_unpublished_seconds) > 60",
     "summary": "{{ $labels.service }} has events waiting over a minute to reach Kafka"},
    {"alert": "ConsumerLag", "for": "10m", "severity": "ticket",
     "expr": "sum by (group) (consumer_lag_messages) > 1000",
     "summary": "{{ $labels.group }} is more than 1000 events behind"},
    {"alert": "DeadLetters", "for": "0m", "severity": "ticket",
     "expr": "sum by (consumer) (increase(dead_letters_total[15m])) > 0",
     "summary": "{{ $labels.consumer }} parked events on the dead-letter topic"},
    {"alert": "WarehouseSinkStalled", "for": "15m", "severity": "ticket",
     "expr": "sum(rate(outbox_published_events_total[15m])) > 0 and sum(rate(warehouse_sink_rows_total[15m])) == 0",
     "summary": "events are published but none reach the warehouse"},
    {"alert": "ModelServingSlow", "for": "10m", "severity": "ticket",
     "expr": "histogram_quantile(0.95, sum by (model, le) (rate(model_inference_seconds_bucket[5m]))) > 0.2",
     "summary": "{{ $labels.model }} predictions take over 200 ms at p95"},
)

PANELS: tuple[tuple[str, str, str], ...] = (
    ("Requests per second", f"sum by (service) (rate({REQ}_count[5m]))", "reqps"),
    ("5xx ratio", f'sum by (service) (rate({REQ}_count{{status=~"5.."}}[5m])) / sum by (service) '
                  f"(rate({REQ}_count[5m]))", "percentunit"),
    ("p95 latency", f"histogram_quantile(0.95, sum by (service, le) (rate({REQ}_bucket[5m])))", "s"),
    ("p99 latency", f"histogram_quantile(0.99, sum by (service, le) (rate({REQ}_bucket[5m])))", "s"),
    ("Outbox lag", "max by (service) (outbox_oldest_unpublished_seconds)", "s"),
    ("Consumer lag", "sum by (group) (consumer_lag_messages)", "short"),
    ("Dead letters (15 min)", "sum by (consumer) (increase(dead_letters_total[15m]))", "short"),
    ("Warehouse sink rows/s", "sum by (table) (rate(warehouse_sink_rows_total[5m]))", "short"),
    ("Model p95", "histogram_quantile(0.95, sum by (model, le) (rate(model_inference_seconds_bucket[5m])))", "s"),
)


def rules() -> dict[str, Any]:
    return {"groups": [{"name": "marketplace-golden-signals", "rules": [
        {"alert": a["alert"], "expr": a["expr"], "for": a["for"], "labels": {"severity": a["severity"]},
         "annotations": {"summary": a["summary"]}} for a in ALERTS]}]}


def dashboard() -> dict[str, Any]:
    panels = []
    for i, (title, expr, unit) in enumerate(PANELS):
        panels.append({"id": i + 1, "type": "timeseries", "title": title,
                       "datasource": {"type": "prometheus", "uid": "${datasource}"},
                       "gridPos": {"h": 8, "w": 12, "x": 12 * (i % 2), "y": 8 * (i // 2)},
                       "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                       "targets": [{"refId": "A", "expr": expr, "legendFormat": "__auto"}]})
    return {"uid": "marketplace-golden", "title": "Marketplace — golden signals", "schemaVersion": 39,
            "version": 1, "editable": True, "time": {"from": "now-6h", "to": "now"}, "refresh": "30s",
            "tags": ["marketplace"],
            "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
            "panels": panels}


def scrape_config() -> dict[str, Any]:
    """Prometheus scrapes every pod of ours that declares a port named http (Kubernetes service discovery)."""
    return {"global": {"scrape_interval": "15s", "evaluation_interval": "30s"},
            "rule_files": ["prometheus-rules.yaml"],
            "scrape_configs": [{
                "job_name": "marketplace",
                "kubernetes_sd_configs": [{"role": "pod", "namespaces": {"names": ["marketplace"]}}],
                "relabel_configs": [
                    {"source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_part_of"],
                     "regex": "marketplace", "action": "keep"},
                    {"source_labels": ["__meta_kubernetes_pod_container_port_name"], "regex": "http|metrics",
                     "action": "keep"},
                    {"source_labels": ["__meta_kubernetes_pod_label_app"], "target_label": "workload"}]}]}
