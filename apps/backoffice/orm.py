"""The back office database: its outbox for now (admin actions will emit events); analytics read the warehouse."""
from __future__ import annotations

from kernel.db import ServiceBase, new_metadata
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OUTBOX = outbox_table(Base.metadata)
