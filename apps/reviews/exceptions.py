from __future__ import annotations

from kernel.errors import Conflict, Forbidden, NotFound


class ReviewNotFound(NotFound):
    title = "Review not found"


class NotAVerifiedPurchase(Forbidden):
    title = "Not a verified purchase"


class AlreadyReviewed(Conflict):
    title = "Already reviewed"


class InvalidModeration(Conflict):
    title = "Moderation not allowed"
