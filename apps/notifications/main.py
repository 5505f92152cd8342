from __future__ import annotations

from fastapi import FastAPI

from apps.notifications.config import NotificationsSettings
from apps.notifications.consumers import build_handlers
from apps.notifications.orm import Base
from apps.notifications.router import router
from apps.notifications.sender import start_sender, stop_sender
from apps.notifications.transports import default_transports
from kernel.service_app import ServiceSpec, Wiring, build_service_app


async def close_transports(app: FastAPI) -> None:
    for transport in app.state.transports.values():
        if close := getattr(transport, "close", None):
            close()  # the kept SMTP connection: QUIT, so the server does not log a dropped client


def create_app(settings: NotificationsSettings | None = None, wiring: Wiring | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    app = build_service_app(ServiceSpec(
        name="notifications", settings=settings, metadata=Base.metadata, routers=[router],
        consumers=build_handlers(settings), on_startup=[start_sender], on_shutdown=[stop_sender, close_transports],
        description="Templates and messages (email, SMS, push) with retries; reacts to commerce events."), wiring)
    app.state.transports = default_transports(settings)
    return app
