"""The tracking database holds only its outbox: clickstream is published, never stored here."""
from __future__ import annotations

from kernel.db import ServiceBase, new_metadata
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OUTBOX = outbox_table(Base.metadata)
