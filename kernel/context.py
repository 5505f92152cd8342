"""Per-request context (request/correlation ids, actor) carried in contextvars into logs and event traces."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str | None = None
    correlation_id: str | None = None
    user_id: str | None = None
    actor_type: str = "system"


_current: ContextVar[RequestContext] = ContextVar("request_context", default=RequestContext())


def current_context() -> RequestContext:
    return _current.get()


def set_context(ctx: RequestContext):
    return _current.set(ctx)


def reset_context(token) -> None:
    _current.reset(token)


def bind_user(user_id: str, actor_type: str = "user") -> None:
    ctx = _current.get()
    _current.set(RequestContext(ctx.request_id, ctx.correlation_id, user_id, actor_type))
