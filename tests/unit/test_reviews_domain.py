"""Reviews' pure rules: purchase status only moves forward, who is a verified purchaser, moderation, ratings."""
import pytest

from apps.reviews import domain
from apps.reviews.domain import RatingStats


@pytest.mark.parametrize(("current", "incoming", "expected"), [
    (None, "pending", "pending"), ("pending", "paid", "paid"), ("paid", "pending", "paid"),
    ("paid", "delivered", "delivered"), ("delivered", "paid", "delivered"), ("pending", "cancelled", "cancelled"),
    ("paid", "cancelled", "cancelled"), ("cancelled", "paid", "cancelled"), ("delivered", "cancelled", "delivered"),
])
def test_purchase_status_only_moves_forward(current, incoming, expected):
    assert domain.next_purchase_status(current, incoming) == expected


def test_only_the_buyer_of_a_paid_or_delivered_order_with_the_product_is_verified():
    ok = {"owner_id": "u1", "product_ids": {"p1"}, "user_id": "u1", "product_id": "p1"}
    assert domain.is_verified_purchase(status="paid", **ok)
    assert domain.is_verified_purchase(status="delivered", **ok)
    assert not domain.is_verified_purchase(status="pending", **ok)
    assert not domain.is_verified_purchase(status="cancelled", **ok)
    assert not domain.is_verified_purchase(status="paid", **{**ok, "user_id": "u2"})
    assert not domain.is_verified_purchase(status="paid", **{**ok, "product_id": "p2"})


def test_moderation_changes_status_or_refuses_a_no_op():
    assert domain.moderate("pending", True) == "approved"
    assert domain.moderate("approved", False) == "rejected"
    assert domain.moderate("rejected", True) == "approved"
    with pytest.raises(domain.RuleViolation):
        domain.moderate("approved", True)


def test_ratings_count_only_approved_reviews_and_round_half_even():
    stats = RatingStats(0, 0)
    assert stats.average is None
    stats = stats.moved(5, was_approved=False, is_approved=True).moved(2, was_approved=False, is_approved=True)
    assert (stats.total, stats.count, stats.average) == (7, 2, 3.5)
    assert stats.moved(4, was_approved=False, is_approved=False) == stats  # pending → rejected: no change
    assert stats.moved(5, was_approved=True, is_approved=False) == RatingStats(2, 1)
    assert RatingStats(2, 3).average == 0.67 and RatingStats(13, 3).average == 4.33
