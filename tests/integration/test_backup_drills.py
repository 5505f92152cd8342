"""Backups are only as good as their restore: the point-in-time drill runs on a scratch PostgreSQL cluster built
from this machine's binaries (the same ones the local stack uses), not on the stack's own server."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from deploy.local.pitr_drill import run_drill


def test_base_backup_plus_wal_archive_restores_exactly_to_the_chosen_instant():
    # Under /tmp: the postgres OS user that runs the scratch cluster must be able to reach it.
    workdir = Path(tempfile.mkdtemp(prefix="pitr-test-", dir="/tmp"))
    try:
        result = run_drill(workdir, rows_before=300, rows_after=120)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert result.restored_rows == 300, "every row committed before the target instant is back"
    assert result.restored_after_target == 0, "nothing committed after the target instant is replayed"
