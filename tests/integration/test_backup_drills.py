"""Backups are only as good as their restore: the point-in-time drill runs on a scratch PostgreSQL cluster built
from this machine's binaries (the same ones the local stack uses), not on the stack's own server."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
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


def test_warehouse_backup_restores_every_table_row_for_row(tmp_path):
    """On a private chDB server (the stack's own keeps serving other tests): the real warehouse schema, events
    in it, BACKUP, RESTORE beside it, the same rows in every table."""
    from kernel.settings import CommonSettings
    from warehouse.backup import drill
    from warehouse.migrate import migrate

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "deploy.local.chdb_server.http_server", "--data-dir",
                             str(tmp_path / "data"), "--port", str(port), "--pool", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        client = _wait_for_server(port, proc)
        migrate(CommonSettings(CLICKHOUSE_URL=f"http://127.0.0.1:{port}"), database="wh")
        client.command(
            "INSERT INTO wh.events (event_id, type, version, occurred_at, actor_type, actor_id, data, request_id, "
            "correlation_id, topic, partition, offset, ingested_at) SELECT generateUUIDv4(), 'order.created', 1, "
            "now64(3), 'user', '', '{\"orderNo\":\"X-' || toString(number) || '\"}', '', '', 'orders.v1', 0, "
            "number, now64(3) FROM numbers(250)")
        result = drill(client, "wh")
        assert result.live["events"] == 250
        assert result.exact, (result.live, result.restored)
        assert "wh_drill" not in {r[0] for r in client.query("SHOW DATABASES").result_rows}
        assert (tmp_path / "backups" / result.backup).exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(port: int, proc: subprocess.Popen):
    import clickhouse_connect

    deadline = time.monotonic() + 60
    while True:
        try:
            return clickhouse_connect.get_client(host="127.0.0.1", port=port)
        except Exception:  # noqa: BLE001 - not up yet
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.3)
