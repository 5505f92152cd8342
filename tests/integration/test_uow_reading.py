"""UnitOfWork.reading() against the real PostgreSQL: the block's statements run without a transaction (no BEGIN and
ROLLBACK around a read) and the block refuses to write; the next plain block is a transaction again."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from apps.orders.orm import OUTBOX
from kernel.db import Database
from kernel.settings import service_database_url
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

# In autocommit every statement is its own transaction, which starts with it; after a BEGIN it started earlier.
OWN_TRANSACTION = text("SELECT now() = statement_timestamp()")


@use_case
async def _writes(*, uow: UnitOfWork) -> None:
    uow.emit("order.created", {}, key="never")


async def test_a_reading_block_sends_no_transaction_and_refuses_writes(stack):
    db = Database(service_database_url("orders"), pool_size=1)
    uow = UnitOfWork(db.sessions, OUTBOX)
    try:
        async with uow.reading():
            assert await uow.session.scalar(OWN_TRANSACTION) is True
            assert await uow.session.scalar(OWN_TRANSACTION) is True
            with pytest.raises(RuntimeError, match="cannot write"):
                await uow.commit()
            with pytest.raises(RuntimeError, match="cannot join"):
                await _writes(uow=uow)
        async with uow:  # the same pooled connection, a transaction again
            await uow.session.execute(text("SELECT 1"))
            assert await uow.session.scalar(OWN_TRANSACTION) is False
            assert uow.reading_only is False
    finally:
        await db.dispose()
