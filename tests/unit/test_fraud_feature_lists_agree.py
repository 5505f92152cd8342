"""Serving may not import models/ (import-linter), so the fraud scorer keeps its own list of the features the model
reads. The two lists must stay the same, in the same order: a drift would score orders on missing columns."""
from apps.serving.domain.fraud import CONTEXT_FEATURES, ONLINE_FEATURES
from models.fraud.features import CONTEXT, FRAUD_V1


def test_serving_reads_exactly_the_features_the_model_was_trained_on():
    assert ONLINE_FEATURES == FRAUD_V1
    assert CONTEXT_FEATURES == CONTEXT
