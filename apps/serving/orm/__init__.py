"""Tables of the serving database, one module per concern (recommendations, fraud, vendor_insights) on one Base;
importing the package registers them all on Base.metadata."""
from __future__ import annotations

from kernel.db import ServiceBase, new_metadata
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)

from apps.serving.orm import fraud, recommendations, vendor_insights  # noqa: E402,F401 - register the tables
