"""The alert sensors: each tick runs one check against the warehouse; an incident is published as `alert.raised`
(notifications mails the operator). The cursor holds the cooldown state, so a lasting incident is one mail.

They launch no runs: raising the alert is the whole effect, and the tick's skip reason in the Dagster UI says what
was seen ("raised <incident>: ..." or why not). A failed publish raises, so the cursor stays and the next tick
retries. Stopped by default, like every schedule here: `dagster sensor start <name>` or the UI turns them on.
"""
import json
from collections.abc import Callable

from dagster import DefaultSensorStatus, SensorDefinition, SensorEvaluationContext, SkipReason, sensor

from kernel.clock import utcnow
from pipelines.defs.reports import checks
from pipelines.defs.reports.resources import AlertThresholds, EventsResource
from pipelines.defs.resources import WarehouseResource

TICK_SECONDS = 60


def alert_sensor(name: str, check: Callable[..., checks.Verdict], description: str) -> SensorDefinition:
    @sensor(name=f"{name}_alert", minimum_interval_seconds=TICK_SECONDS, default_status=DefaultSensorStatus.STOPPED,
            description=description)
    def _alert(context: SensorEvaluationContext, warehouse: WarehouseResource, events: EventsResource,
               alert_thresholds: AlertThresholds) -> SkipReason:
        state = json.loads(context.cursor) if context.cursor else {}
        client = warehouse.client()
        try:
            verdict = check(client, alert_thresholds, utcnow(), state)
        finally:
            client.close()
        if verdict.incident is not None:
            events.publish([("alert.raised", name, verdict.incident.event_data())])
            context.log.warning(verdict.reason)
        context.update_cursor(json.dumps(verdict.state))
        return SkipReason(verdict.reason)

    return _alert


payment_failures_alert = alert_sensor(
    "payment_failures", checks.payment_failures,
    "Failed payment attempts in the last window over a floor rate and a multiple of the previous day's rate.")
low_stock_alert = alert_sensor(
    "low_stock", checks.low_stock, "SKUs newly under their reorder point (each SKU reported once per cooldown).")
server_errors_alert = alert_sensor(
    "server_errors", checks.server_errors, "A burst of 5xx answers at the gateway (gateway.server_error events).")
fraud_rate_alert = alert_sensor(
    "fraud_rate", checks.fraud_rate,
    "The share of scored orders flagged review/reject over a floor and a multiple of the previous week's share.")

ALERT_SENSORS = [payment_failures_alert, low_stock_alert, server_errors_alert, fraud_rate_alert]
