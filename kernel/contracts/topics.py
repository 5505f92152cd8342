"""Every Kafka topic the system uses, with its declared partition count.

Topics are one per producing domain, keyed by aggregate id. The local broker (Tansu) auto-creates topics with 4
partitions, which breaks Faust Tables, so `mkt stack up` creates each of these up front with these counts.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    description: str


USERS = Topic("users.v1", 4, "auth: user lifecycle (user.created, ...)")
PRODUCTS = Topic("products.v1", 4, "catalog: categories and products")
VENDORS = Topic("vendors.v1", 4, "vendors: onboarding and status")
PROFILES = Topic("profiles.v1", 4, "profiles: profile and address changes (no PII values)")
INVENTORY = Topic("inventory.v1", 4, "inventory: stock movements and reservations")
ORDERS = Topic("orders.v1", 4, "orders: lifecycle")
PAYMENTS = Topic("payments.v1", 4, "payments: intents, refunds, payouts")
SHIPPING = Topic("shipping.v1", 4, "shipping: labels and tracking")
REVIEWS = Topic("reviews.v1", 4, "reviews")
CARTS = Topic("carts.v1", 4, "cart: checkout")
COUPONS = Topic("coupons.v1", 4, "coupons: definitions, redemptions and releases")
NOTIFICATIONS = Topic("notifications.v1", 4, "notifications: messages queued, sent, failed; templates")
CLICKSTREAM = Topic("clickstream.v1", 4, "storefront events the services cannot see")
AI = Topic("ai.v1", 4, "serving: recommendations requested and served, fraud scores and decisions, promotions")
SEARCH = Topic("search.v1", 4, "search: queries performed (query, result count, latency)")
BACKOFFICE = Topic("backoffice.v1", 4, "backoffice: admin changes (feature flags)")
OPS = Topic("ops.v1", 4, "operations: gateway 5xx responses, alerts raised and scheduled reports (pipelines)")
DEAD_LETTER = Topic("deadletter.v1", 1, "events that failed validation, with the reason")

ALL_TOPICS: tuple[Topic, ...] = (
    USERS, PRODUCTS, VENDORS, INVENTORY, ORDERS, PAYMENTS, SHIPPING, REVIEWS, CARTS, CLICKSTREAM, DEAD_LETTER,
    PROFILES, COUPONS, NOTIFICATIONS, AI, SEARCH, BACKOFFICE, OPS,
)
DOMAIN_TOPICS: tuple[Topic, ...] = tuple(t for t in ALL_TOPICS if t is not DEAD_LETTER)


def by_name(name: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)
