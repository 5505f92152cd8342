"""When training runs: nightly, and sooner when enough new orders have reached the warehouse."""

from dagster import (AssetSelection, DefaultScheduleStatus, DefaultSensorStatus, RunRequest, ScheduleDefinition,
                     SensorEvaluationContext, SkipReason, define_asset_job, sensor)

from pipelines.defs.resources import WarehouseResource

MIN_NEW_ORDERS = 2_000  # a retrain on fewer new orders moves no metric worth a run

train_all = define_asset_job("train_all", selection=AssetSelection.all(),
                             description="Every training set, model, evaluation, registration, batch prediction "
                                         "and the Feast online store.")
materialize_features = define_asset_job("materialize_features", selection=AssetSelection.groups("features"),
                                        description="Batch feature views into the online store.")

nightly_retrain = ScheduleDefinition(name="nightly_retrain", job=train_all, cron_schedule="0 2 * * *",
                                     execution_timezone="UTC", default_status=DefaultScheduleStatus.STOPPED)
hourly_features = ScheduleDefinition(name="hourly_features", job=materialize_features, cron_schedule="15 * * * *",
                                     execution_timezone="UTC", default_status=DefaultScheduleStatus.STOPPED)


@sensor(name="new_orders_sensor", job=train_all, minimum_interval_seconds=600,
        default_status=DefaultSensorStatus.STOPPED,
        description=f"Retrain when at least {MIN_NEW_ORDERS:,} orders arrived since the last triggered run.")
def new_orders_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
    since = context.cursor or "1970-01-01 00:00:00.000"
    row = warehouse.client().query(
        "SELECT count(), toString(max(created_at)) FROM orders FINAL WHERE created_at > parseDateTime64BestEffort({s:String}, 3)",
        parameters={"s": since}).result_rows[0]
    new, latest = int(row[0]), row[1]
    if new < MIN_NEW_ORDERS:
        return SkipReason(f"{new:,} new orders since {since} (< {MIN_NEW_ORDERS:,})")
    context.update_cursor(latest)
    return RunRequest(run_key=f"orders-until-{latest}", tags={"trigger": "new_orders", "new_orders": str(new)})
