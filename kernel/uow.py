"""UnitOfWork: one use case = one transaction = one commit, with its events written to the outbox inside it."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kernel import tracing
from kernel.context import current_context
from kernel.contracts.registry import contract_for
from kernel.events import Actor, Envelope, Trace
from kernel.outbox import write_events
from kernel.outbox_wake import outbox_committed

R = TypeVar("R")


class Repository:
    """Base of a service's repository (`uow.repository(OrderRepository)`): the reads and writes its use cases make,
    on the unit of work's session. Subclasses add the queries; kernel.testing.FakeRepository is the in-memory twin."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def stage(self, row: Any) -> None:
        """Insert at the next flush."""
        self.session.add(row)

    async def add(self, row: Any) -> None:
        """Insert now (flush): a unique-index race (IntegrityError) surfaces here, inside the use case, and the
        events emitted next describe a row that exists in this transaction."""
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()


def refuse_writes(uow: "UnitOfWork") -> None:
    if uow.reading_only:
        raise RuntimeError("a unit of work opened with reading() cannot write: use a use case's own unit of work")


class UnitOfWork:
    """`async with uow:` opens a session; `await uow.commit()` flushes events to the outbox and commits.

    Leaving the block without commit rolls back, so a failed use case leaves neither state nor events behind.
    """

    reading_only = False  # inside `async with uow.reading():`

    def __init__(self, sessions: async_sessionmaker[AsyncSession], outbox: Table) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._pending: list[tuple[str, str, Envelope]] = []
        self._wrote = False
        self._repositories: dict[Callable[[AsyncSession], Any], Any] = {}
        self.session: AsyncSession
        self.open = False  # inside `async with`: kernel.use_case joins an open unit of work instead of committing

    def reading(self) -> "UnitOfWork":
        """`async with uow.reading():` for a block that only reads. Its statements run without a transaction
        (autocommit), which saves the BEGIN and the ROLLBACK: two of the three round-trips of a one-query read.
        Under READ COMMITTED each statement takes its own snapshot anyway, so the reads see what they would inside
        a transaction. Nothing in the block may write: commit() and a use case joining the block refuse."""
        self.reading_only = True
        return self

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessions()
        if self.reading_only:
            await self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        self.open = True
        self._pending = []
        self._wrote = False
        self._repositories = {}
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # close() discards an uncommitted transaction without expiring loaded objects, so a use case's result
        # stays readable after the block.
        await self.session.close()
        self.open = False
        self.reading_only = False

    def repository(self, factory: Callable[[AsyncSession], R]) -> R:
        """The repository `factory` builds on this block's session (one per block). Use cases that read and write
        through repositories run unchanged on kernel.testing.FakeUnitOfWork, which hands in in-memory stand-ins."""
        if factory not in self._repositories:
            self._repositories[factory] = factory(self.session)
        return self._repositories[factory]

    def emit(self, event_type: str, data: dict[str, Any] | Any, *, key: str, actor: Actor | None = None,
             occurred_at: datetime | None = None) -> Envelope:
        """Queue an event for the outbox. `data` is validated against the event type's contract.

        `occurred_at` (default now) is for use cases importing history: the event then says when it happened."""
        contract = contract_for(event_type)
        payload = contract.validate(data)
        ctx = current_context()
        env = Envelope(
            type=event_type,
            version=contract.version,
            actor=actor or Actor(type=ctx.actor_type, id=ctx.user_id),  # type: ignore[arg-type]
            data=payload,
            trace=Trace(requestId=ctx.request_id, correlationId=ctx.correlation_id,
                        traceparent=tracing.current_traceparent()),
            **({"occurredAt": occurred_at} if occurred_at is not None else {}),
        )
        self._pending.append((contract.topic.name, key, env))
        return env

    @property
    def pending_events(self) -> list[Envelope]:
        return [env for _, _, env in self._pending]

    async def write_events_now(self) -> None:
        """Write the events emitted so far into the outbox now instead of at commit (still inside the transaction):
        a use case about to take a hot row lock writes everything else first, so the lock is held for as few
        round-trips as possible."""
        refuse_writes(self)
        if self._pending:
            await write_events(self.session, self._outbox, self._pending)
            self._wrote = True
            self._pending = []

    async def commit(self) -> None:
        await self.write_events_now()
        await self.session.commit()
        wrote, self._wrote = self._wrote, False
        if wrote:  # the relay publishes now instead of at its next fallback poll
            outbox_committed(self._outbox)

    async def rollback(self) -> None:
        await self.session.rollback()
        self._pending = []
        self._wrote = False
