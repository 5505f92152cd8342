"""Resources of the reports and alerts: where their events go (Kafka, topic ops.v1, which the notification
service consumes), and the alert thresholds (env ALERTS_*, shown in the Dagster UI as the resource's config).

Reports and alerts reach people only through the notification service: they publish `report.generated` /
`alert.raised` events and notifications picks the template and the recipient. Pipelines have no database, hence
no outbox: an event is published directly with acks=all, and a failed publish fails the run or leaves the sensor's
cursor unchanged, so the next tick tries again.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

from dagster import ConfigurableResource
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kernel.contracts.registry import contract_for
from kernel.events import Envelope


class EventsResource(ConfigurableResource):
    bootstrap_servers: str

    def publish(self, events: list[tuple[str, str, dict[str, Any]]]) -> list[Envelope]:
        """(event type, key, data) each, validated by its contract, sent in order; raises if any failed."""
        envelopes = [(key, Envelope(type=t, data=contract_for(t).validate(data))) for t, key, data in events]
        if envelopes:
            # Sensors and ops are sync, and may run where a loop is already running (tests): own thread, own loop.
            with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="ops-events") as pool:
                pool.submit(asyncio.run, self._send(envelopes)).result(timeout=60)
        return [e for _, e in envelopes]

    async def _send(self, envelopes: list[tuple[str, Envelope]]) -> None:
        from kernel.kafka import KafkaPublisher

        publisher = KafkaPublisher(self.bootstrap_servers)
        try:
            errors = await publisher.send_many([(contract_for(e.type).topic.name, key, e.to_json())
                                                for key, e in envelopes])
        finally:
            await publisher.close()
        failed = [err for err in errors if err is not None]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(envelopes)} events not published: {failed[0]!r}")


class AlertSettings(BaseSettings):
    """Defaults sized for the demo marketplace (a few thousand orders a day); override per deployment."""

    model_config = SettingsConfigDict(env_prefix="ALERTS_", env_file=".env", extra="ignore")

    cooldown_minutes: int = Field(60, ge=1, description="one mail per alert per cooldown, however long it lasts")
    payment_window_minutes: int = Field(15, ge=1)
    payment_min_failures: int = Field(10, ge=1)
    payment_failure_rate: float = Field(0.25, gt=0, le=1, description="floor of the failure rate that alerts")
    payment_spike_factor: float = Field(3.0, ge=1, description="… and this many times the baseline rate")
    payment_baseline_hours: int = Field(24, ge=1)
    low_stock_min_skus: int = Field(1, ge=1, description="new SKUs under their reorder point that alert")
    low_stock_cooldown_hours: int = Field(24, ge=1, description="a SKU is not reported again within this time")
    low_stock_lookback_hours: int = Field(24, ge=1, description="only SKUs whose stock changed this recently")
    server_errors_window_minutes: int = Field(5, ge=1)
    server_errors_min: int = Field(20, ge=1, description="5xx answers in the window that make a burst")
    fraud_window_minutes: int = Field(60, ge=1)
    fraud_min_scored: int = Field(20, ge=1)
    fraud_flag_rate: float = Field(0.15, gt=0, le=1, description="floor of the review+reject share that alerts")
    fraud_rise_factor: float = Field(2.0, ge=1, description="… and this many times the baseline share")
    fraud_baseline_days: int = Field(7, ge=1)


class AlertThresholds(ConfigurableResource):
    """AlertSettings as a Dagster resource (tests and deployments hand in their own)."""

    cooldown_minutes: int = 60
    payment_window_minutes: int = 15
    payment_min_failures: int = 10
    payment_failure_rate: float = 0.25
    payment_spike_factor: float = 3.0
    payment_baseline_hours: int = 24
    low_stock_min_skus: int = 1
    low_stock_cooldown_hours: int = 24
    low_stock_lookback_hours: int = 24
    server_errors_window_minutes: int = 5
    server_errors_min: int = 20
    fraud_window_minutes: int = 60
    fraud_min_scored: int = 20
    fraud_flag_rate: float = 0.15
    fraud_rise_factor: float = 2.0
    fraud_baseline_days: int = 7

    @classmethod
    def from_settings(cls, settings: AlertSettings | None = None) -> "AlertThresholds":
        return cls(**(settings or AlertSettings()).model_dump())
