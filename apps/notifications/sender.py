"""The sender: a background task of the notifications service that delivers due messages on a timer
(kernel.periodic), each attempt through use_cases/deliver.py."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from apps.notifications.clients import Directory
from apps.notifications.transports import Transport
from apps.notifications.use_cases.deliver import SenderContext, deliver_due
from kernel.periodic import periodic_hooks
from kernel.uow import UnitOfWork


def context_for(app: FastAPI, transports: Mapping[str, Transport] | None = None) -> SenderContext:
    return SenderContext(settings=app.state.settings, directory=Directory(app.state.service_clients),
                         transports=transports or app.state.transports,
                         unit_of_work=lambda: UnitOfWork(app.state.db.sessions, app.state.outbox))


async def _tick(app: FastAPI) -> int:
    return await deliver_due(context_for(app))


start_sender, stop_sender = periodic_hooks("notifications", _tick, interval_setting="sender_interval_seconds",
                                           enabled_setting="run_sender", batch_setting="sender_batch_size",
                                           task="sender")
