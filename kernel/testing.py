"""Test doubles for the kernel's seams, so a use case runs in milliseconds without PostgreSQL or Kafka.

FakeUnitOfWork stands in for kernel.uow.UnitOfWork (cosmicpython's FakeUnitOfWork): events are validated against
their contracts exactly as the real one does, and kept in `committed` only when the use case commits; leaving the
block without a commit counts as a rollback and drops them. Repositories come from `repositories`, keyed by the
factory the use case asks for (`uow.repository(OrderStore)` → the fake registered under OrderStore).

A use case that still touches `uow.session` fails loudly here: that is the seam it is missing.
"""
from __future__ import annotations

import json as json_module
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import inspect

from kernel.errors import ValidationFailed
from kernel.events import Envelope
from kernel.idempotency import StoredResponse, request_hash
from kernel.service_client import ServiceClients
from kernel.uow import R, UnitOfWork, refuse_writes


class _NoSession:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the use case used uow.session.{name}: give it a repository (uow.repository) instead")


class FakeUnitOfWork(UnitOfWork):
    """Fakes registered here that have `commit()` / `rollback()` hear about the block's outcome, so an in-memory
    store can keep what a committed use case wrote and drop what a failed one staged."""

    def __init__(self, repositories: dict[Callable[..., Any], Any] | None = None) -> None:
        self._pending = []
        self._fakes = dict(repositories or {})
        self.session = _NoSession()  # type: ignore[assignment]
        self.committed: list[Envelope] = []
        self.commits = 0
        self.rollbacks = 0
        self._committed_in_block = False
        self.open = False

    async def __aenter__(self) -> "FakeUnitOfWork":
        self._pending = []
        self._committed_in_block = False
        self.open = True
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if not self._committed_in_block:  # the real session's close() discards an uncommitted transaction
            await self.rollback()
        self.open = False
        self.reading_only = False

    def repository(self, factory: Callable[..., R]) -> R:
        if factory not in self._fakes:
            raise AssertionError(f"no fake repository registered for {getattr(factory, '__name__', factory)}")
        return self._fakes[factory]

    async def write_events_now(self) -> None:
        """Nothing to write: pending events become `committed` only if the block commits, as outbox rows written
        early still roll back with the transaction."""
        refuse_writes(self)

    async def commit(self) -> None:
        refuse_writes(self)
        self.committed.extend(env for _, _, env in self._pending)
        self._pending = []
        self.commits += 1
        self._committed_in_block = True
        self._tell("commit")

    async def rollback(self) -> None:
        self._pending = []
        self.rollbacks += 1
        self._tell("rollback")

    def _tell(self, outcome: str) -> None:
        for fake in self._fakes.values():
            hook = getattr(fake, outcome, None)
            if callable(hook):
                hook()

    def event_types(self) -> list[str]:
        """Types of the events this unit of work committed, in order."""
        return [env.type for env in self.committed]

    def events(self, event_type: str) -> list[dict[str, Any]]:
        """Payloads (validated by the contract, as the outbox writes them) of the committed events of one type."""
        return [env.data for env in self.committed if env.type == event_type]


def with_defaults(row: Any) -> Any:
    """Fill the Python-side column defaults a flush would (`default=False`, `default=new_id_str`) on a row that
    never meets a database, leaving every value already set."""
    for column in inspect(type(row)).columns:
        if column.default is None or getattr(row, column.key, None) is not None:
            continue
        if column.default.is_scalar:
            setattr(row, column.key, column.default.arg)
        elif column.default.is_callable:
            setattr(row, column.key, column.default.arg(None))
    return row


class FakeRepository:
    """Base of an in-memory repository (the twin of kernel.uow.Repository): rows a unit of work adds are staged,
    handed to `keep` when it commits and dropped when it does not (deletes likewise, through `forget`); rows loaded
    earlier change in place, as in a session. `rows(kind)` sees kept and staged rows, as a query inside the transaction would."""

    def __init__(self) -> None:
        self.kept: list[Any] = []
        self._staged: list[Any] = []
        self._deleted: list[Any] = []

    def stage(self, row: Any) -> None:
        self._staged.append(with_defaults(row))

    async def add(self, row: Any) -> None:
        self.stage(row)

    async def flush(self) -> None:
        return None

    async def delete(self, row: Any) -> None:
        """Delete at commit: gone from `rows` at once, handed to `forget` when the unit of work commits."""
        self._deleted.append(row)

    def keep(self, row: Any) -> None:
        """Store a committed row; by default in `kept`, in order."""
        self.kept.append(row)

    def forget(self, row: Any) -> None:
        """Drop a committed row a committed unit of work deleted; by default from `kept`."""
        self.kept.remove(row)

    def rows(self, kind: type) -> list[Any]:
        return [r for r in (*self._kept_rows(), *self._staged)
                if isinstance(r, kind) and not any(r is d for d in self._deleted)]

    def _kept_rows(self) -> list[Any]:
        return self.kept

    def commit(self) -> None:
        for row in self._staged:
            self.keep(row)
        for row in self._deleted:
            self.forget(row)
        self._staged, self._deleted = [], []

    def rollback(self) -> None:
        self._staged, self._deleted = [], []


class FakeIdempotencyKeys:
    """kernel.idempotency's key store in memory, for fake repositories: a claim made in a unit of work that does
    not commit is dropped, as the real row is rolled back with the transaction."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], dict[str, Any]] = {}
        self._staged: dict[tuple[str, str], dict[str, Any]] = {}

    async def claim(self, *, scope: str, key: str, body: Any) -> StoredResponse | None:
        digest = request_hash(body)
        row = self.kept.get((scope, key)) or self._staged.get((scope, key))
        if row is None:
            self._staged[(scope, key)] = {"hash": digest, "status_code": None, "body": None}
            return None
        if row["hash"] != digest:
            raise ValidationFailed("This Idempotency-Key was already used with a different request body.")
        return StoredResponse(row["status_code"] or 200, row["body"])

    async def remember(self, *, scope: str, key: str, status_code: int, body: Any) -> None:
        self._staged[(scope, key)].update(status_code=status_code, body=body)

    def commit(self) -> None:
        self.kept.update(self._staged)
        self._staged = {}

    def rollback(self) -> None:
        self._staged = {}


class FakeKeyedRepository(FakeRepository):
    """A FakeRepository that also holds the Idempotency-Key store, for services whose POSTs take one (orders,
    payments): `claim_key` / `remember_key` as their repositories offer them."""

    def __init__(self) -> None:
        super().__init__()
        self.idempotency = FakeIdempotencyKeys()

    async def claim_key(self, *, scope: str, key: str, body: Any) -> StoredResponse | None:
        return await self.idempotency.claim(scope=scope, key=key, body=body)

    async def remember_key(self, *, scope: str, key: str, status_code: int, body: Any) -> None:
        await self.idempotency.remember(scope=scope, key=key, status_code=status_code, body=body)

    def commit(self) -> None:
        super().commit()
        self.idempotency.commit()

    def rollback(self) -> None:
        super().rollback()
        self.idempotency.rollback()


class Calls:
    """A record of calls to a fake client, with failures to inject: `calls.fail("reserve", InsufficientStock(...))`
    makes the next call of that name raise; `calls.of("reserve")` lists the keyword arguments each call got."""

    def __init__(self) -> None:
        self.log: list[tuple[str, dict[str, Any]]] = []
        self._failures: dict[str, list[BaseException]] = {}

    def fail(self, name: str, error: BaseException, *, times: int = 1) -> None:
        self._failures.setdefault(name, []).extend([error] * times)

    def record(self, name: str, **kwargs: Any) -> None:
        self.log.append((name, kwargs))
        pending = self._failures.get(name)
        if pending:
            raise pending.pop(0)

    def of(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for called, kwargs in self.log if called == name]

    def names(self) -> list[str]:
        return [called for called, _ in self.log]


class FakeServiceClients(ServiceClients):
    """ServiceClients whose services answer from a table, over httpx's MockTransport, so a service's own typed
    clients (its clients.py, with their mapping of 4xx/5xx to errors) run for real:

        svc.answer("inventory", "GET", "/v1/inventory/SKU-1", json={"available": 3})
        svc.down("shipping")  # unreachable: ServiceUnavailable (503), as a refused connection would be

    A request without an answer gets FastAPI's own 404 ({"detail": "Not Found"}). `sent` lists what was asked."""

    def __init__(self) -> None:
        super().__init__(settings=None, injected={})  # type: ignore[arg-type]
        self._answers: dict[tuple[str, str, str], tuple[int, Any]] = {}
        self._down: set[str] = set()
        self.sent: list[tuple[str, str, str, Any]] = []

    def answer(self, service: str, method: str, path: str, *, status: int = 200, json: Any = None) -> None:
        self._answers[(service, method.upper(), path)] = (status, json)

    def down(self, service: str) -> None:
        self._down.add(service)

    def headers(self) -> dict[str, str]:
        return {}

    def client(self, service: str) -> httpx.AsyncClient:
        if service not in self._clients:
            self._clients[service] = httpx.AsyncClient(
                base_url=f"http://{service}", transport=httpx.MockTransport(lambda r: self._handle(service, r)))
        return self._clients[service]

    def requests_to(self, service: str, method: str | None = None) -> list[tuple[str, Any]]:
        """(path, JSON body) of each request sent to `service`, in order."""
        return [(path, body) for s, m, path, body in self.sent if s == service and method in (None, m)]

    def _handle(self, service: str, request: httpx.Request) -> httpx.Response:
        body = json_module.loads(request.content) if request.content else None
        self.sent.append((service, request.method, request.url.path, body))
        if service in self._down:
            raise httpx.ConnectError("connection refused", request=request)
        status, payload = self._answers.get((service, request.method, request.url.path),
                                            (404, {"detail": "Not Found"}))
        return httpx.Response(status, json=payload)


async def run_use_case(uow: UnitOfWork, use_case: Callable[..., Any], **kwargs: Any) -> Any:
    """Run `use_case(uow=uow, **kwargs)` the way the consumer and the routers do: inside the unit of work,
    committing only if it returns (a use case that owns its commit joins this open block instead)."""
    async with uow:
        result = await use_case(uow=uow, **kwargs)
        await uow.commit()
    return result
