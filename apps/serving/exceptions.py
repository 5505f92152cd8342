"""Errors of the serving service's use cases (problem+json through kernel.errors)."""
from __future__ import annotations

from kernel.errors import Conflict, NotFound


class FraudScoreNotFound(NotFound):
    title = "No fraud score for this order"
    type_slug = "fraud-score-not-found"


class AlreadyDecided(Conflict):
    title = "This order is not waiting for a fraud review"
    type_slug = "fraud-not-in-review"
