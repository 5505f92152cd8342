"""Demand forecasting per SKU (Prophet, or TSB for short and intermittent series) with stock-out and reorder
planning. `train(sales, params)` is the stable entry point; the pipeline drives `task.TASK`."""
from models.forecasting.model import ForecastModel
from models.forecasting.train import DEFAULT_PARAMS, train

__all__ = ["DEFAULT_PARAMS", "ForecastModel", "train"]
