"""A throwaway database on the local stack's warehouse server, for tests that land rows (or apply migrations) without
touching the shared warehouse database."""
from __future__ import annotations

import random
import string
from collections.abc import Iterator
from contextlib import contextmanager

from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from warehouse.migrate import migrate


@contextmanager
def scratch_warehouse(prefix: str, *, migrated: bool = True) -> Iterator[str]:
    """The name of a new database `prefix_<random>`, holding the real schema when `migrated`; dropped afterwards."""
    settings = common_settings()
    name = f"{prefix}_" + "".join(random.choices(string.ascii_lowercase, k=8))
    try:
        if migrated:
            migrate(settings, database=name)
        yield name
    finally:
        admin = warehouse_client(settings, database="default")
        admin.command(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
