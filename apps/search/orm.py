"""Tables of the search database."""
from __future__ import annotations

from kernel.db import ServiceBase, new_metadata
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
