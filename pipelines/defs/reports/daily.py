"""The daily report: a job partitioned by UTC day that reads the day's figures from the warehouse (warehouse/metrics/reports.py,
the analytics definitions) and publishes them as `report.generated` events — the executive summary for the
operator and one summary per vendor with activity that day. Notifications renders `daily_summary` /
`vendor_daily_summary` and mails them. The schedule runs each morning for the day before.
"""
from datetime import datetime, time, timedelta, timezone

from dagster import (Config, DailyPartitionsDefinition, DefaultScheduleStatus, MetadataValue, OpExecutionContext,
                     Output, build_schedule_from_partitioned_job, job, op)

from kernel.clock import utcnow
from pipelines.defs.reports.resources import EventsResource
from pipelines.defs.resources import WarehouseResource
from warehouse.metrics.reports import executive_figures, vendor_figures
from warehouse.metrics.reports import daily_report as compute_report

report_days = DailyPartitionsDefinition(start_date="2020-01-01", timezone="UTC")


class DailyReportConfig(Config):
    vendor_summaries: bool = True  # also mail each active vendor its own summary
    max_vendor_lines: int = 15  # vendors listed in the executive summary (the rest are counted)


@op(description="The day's figures from the warehouse, published as report.generated events.")
def send_daily_report(context: OpExecutionContext, config: DailyReportConfig, warehouse: WarehouseResource,
                      events: EventsResource) -> Output[dict]:
    day = datetime.strptime(context.partition_key, "%Y-%m-%d").date()
    since = datetime.combine(day, time(), tzinfo=timezone.utc)
    client = warehouse.client()
    try:
        report = compute_report(client, since=since, until=since + timedelta(days=1))
    finally:
        client.close()
    now, iso = utcnow(), day.isoformat()
    executive = executive_figures(report, day=iso, max_vendor_lines=config.max_vendor_lines)
    out = [("report.generated", "executive", {"report": "daily_summary", "audience": "operator", "reportDate": iso,
                                              "figures": executive, "generatedAt": now})]
    if config.vendor_summaries:
        out += [("report.generated", v.vendor_id,
                 {"report": "vendor_daily_summary", "audience": "vendor", "reportDate": iso, "vendorId": v.vendor_id,
                  "figures": vendor_figures(v, day=iso, currency=report.currency), "generatedAt": now})
                for v in report.vendors]
    events.publish(out)
    context.log.info(f"{iso}: {report.orders} orders, GMV {executive['gmv']}; {len(out)} summaries published")
    return Output(report.as_dict(), metadata={
        "orders": report.orders, "gmv": executive["gmv"], "aov": executive["aov"],
        "conversion": executive["conversion"], "refund_rate": executive["refundRate"],
        "on_time": executive["onTime"], "vendors": len(report.vendors), "mails": len(out),
        "preview": MetadataValue.md(executive["vendorLines"])})


@job(partitions_def=report_days, description="Daily executive and per-vendor summaries, mailed via notifications.")
def daily_report_job() -> None:
    send_daily_report()


daily_report_schedule = build_schedule_from_partitioned_job(
    daily_report_job, name="daily_report_schedule", hour_of_day=6, minute_of_hour=0,
    default_status=DefaultScheduleStatus.STOPPED,
    description="06:00 UTC: the report of the day before (the last complete UTC day).")
