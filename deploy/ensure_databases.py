"""Create the PostgreSQL databases of the tools that keep their state there (MLflow, Superset) if missing.

The migrate job runs it before `mkt db upgrade` (which creates each service's own database itself).
"""
from __future__ import annotations

import sys

from kernel.migrations import ensure_database
from kernel.settings import common_settings


def main(names: list[str]) -> int:
    url = common_settings().database_url
    for name in names:
        ensure_database(url, name)
        print(f"database {name}: present")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
