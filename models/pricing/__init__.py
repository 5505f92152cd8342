"""Price elasticity and bounded price suggestions.

    model = models.pricing.fit(frame, params=None)   # frame: see models/pricing/columns.py
    model.category_elasticity                         # {category_id: elasticity}
    model.elasticities                                # per SKU: elasticity, se, confidence, units, price_points
    model.categories                                  # per category: pooled and raw estimates with SEs
    model.suggest(frame=None, max_change=0.1, min_margin=0.1)   # see models/pricing/suggest.py
    model.predict_units(frame)                        # expected units at the prices in `frame`

The pipeline drives `models.pricing.task.TASK`; `models.pricing.dataset.load(client)` reads the warehouse.
(The training code lives in train.py, not fit.py, so the module never shadows the `fit` function here.)
"""
from models.pricing.columns import REQUIRED
from models.pricing.model import PricingModel
from models.pricing.train import DEFAULT_PARAMS, fit

__all__ = ["DEFAULT_PARAMS", "REQUIRED", "PricingModel", "fit"]
