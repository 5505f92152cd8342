"""The Dagster code location: assets from pipelines/defs/<area>/, resources chosen by environment."""
from kernel.settings import common_settings
from pipelines.defs.catalog import build_definitions
from pipelines.defs.resources import resources_for

defs = build_definitions(resources_for(common_settings().env))
