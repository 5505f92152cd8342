from __future__ import annotations

from fastapi import FastAPI

from apps.reviews.config import ReviewsSettings
from apps.reviews.consumers import CONSUMERS
from apps.reviews.orm import Base
from apps.reviews.router import router
from kernel.service_app import ServiceSpec, Wiring, build_service_app


def create_app(settings: ReviewsSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    return build_service_app(ServiceSpec(
        name="reviews", settings=settings or ReviewsSettings(), metadata=Base.metadata, routers=[router],
        consumers=CONSUMERS, description="Verified-purchase product reviews, moderation and ratings."), wiring)
