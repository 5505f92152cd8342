"""Every route and every dependency of every service is `async def`: FastAPI runs a plain `def` one on a worker
thread, and for the accessors our dependencies are, that hop cost more than the work (py-spy under the purchase
benchmark: 12 % of the time spent inside services went to thread hand-offs for `get_uow` and friends)."""
from __future__ import annotations

import inspect

from fastapi import FastAPI
from fastapi.routing import APIRoute

from mkt.composition import SERVICE_FACTORIES


def _routes(app: FastAPI):
    todo = list(app.routes)
    while todo:
        route = todo.pop()
        if isinstance(route, APIRoute):
            yield route
        todo.extend(getattr(getattr(route, "original_router", None), "routes", ()))  # included routers


def _sync_calls(dependant, where: str):
    for dep in dependant.dependencies:
        call = dep.call
        if call is not None and not (inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)):
            yield f"{where}: {getattr(call, '__qualname__', call)}"
        yield from _sync_calls(dep, where)


def test_no_route_runs_on_a_worker_thread():
    offenders = []
    for name, factory in SERVICE_FACTORIES.items():
        app = factory()
        routes = list(_routes(app))
        assert routes, f"{name}: no routes found (has FastAPI's router layout changed?)"
        for route in routes:
            where = f"{name} {sorted(route.methods or ())} {route.path}"
            if not inspect.iscoroutinefunction(route.endpoint):
                offenders.append(f"{where}: endpoint {route.endpoint.__qualname__}")
            offenders.extend(_sync_calls(route.dependant, where))
    assert not offenders, "\n".join(sorted(set(offenders)))
