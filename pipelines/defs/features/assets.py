"""Feast materialization: the batch feature views, from the warehouse into the online store serving reads."""

from datetime import datetime, timedelta, timezone

from dagster import AssetExecutionContext, Config, asset

from kernel.feature_store import batch_view_names
from pipelines.defs.resources import FeatureStoreResource


class MaterializeConfig(Config):
    days: int = 30  # how far back to read the offline views on each run


@asset(name="online_features", group_name="features", compute_kind="feast",
       description="Batch feature views (user/product/vendor/SKU daily) materialized into the Feast online store.")
def online_features(context: AssetExecutionContext, config: MaterializeConfig,
                    feature_store: FeatureStoreResource) -> list[str]:
    store = feature_store.store()
    names = batch_view_names(store)
    end = datetime.now(timezone.utc)
    store.materialize(start_date=end - timedelta(days=config.days), end_date=end, feature_views=names)
    context.add_output_metadata({"views": ", ".join(names), "end": end.isoformat()})
    return names
