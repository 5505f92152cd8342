"""PostgreSQL point-in-time recovery, rehearsed on a scratch cluster (deploy/RUNBOOK.md "Restore to a point in time").

The drill does what production does, on this machine's PostgreSQL binaries: a cluster archiving its WAL, a base
backup, writes before and after a chosen instant, then a restore of the base backup that replays the archive up to
that instant. It passes only if every row written before the instant is back and none written after it is.

    python -m deploy.local.pitr_drill      # prints the figures; exit 1 if the restore is not exact
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from deploy.local.postgres import _as_pg, _own, ensure_cluster, pg_bin


@dataclass
class DrillResult:
    rows_before_target: int
    rows_after_target: int
    restored_rows: int
    restored_after_target: int
    target: str
    seconds: float

    @property
    def exact(self) -> bool:
        return self.restored_rows == self.rows_before_target and self.restored_after_target == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str]) -> None:
    res = subprocess.run(_as_pg(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if res.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed: {res.stdout.decode(errors='replace').strip()[-800:]}")


def _pg_ctl(data: Path, action: str, *, port: int = 0, sock: Path | None = None, log: Path | None = None) -> None:
    cmd = [str(pg_bin() / "pg_ctl"), "-D", str(data), "-w", "-t", "120"]
    if action == "start":
        cmd += ["-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {sock}", "-l", str(log)]
    else:
        cmd += ["-m", "fast"]
    _run([*cmd, action])


def _connect(port: int) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True)


def _write(conn: psycopg.Connection, phase: str, n: int) -> None:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO ledger (phase, amount_minor) VALUES (%s, %s)", [(phase, i) for i in range(n)])


def _archive_settings(archive: Path) -> str:
    return (f"wal_level = replica\narchive_mode = on\narchive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n"
            "archive_timeout = 60\n")


def run_drill(workdir: Path, *, rows_before: int = 500, rows_after: int = 200) -> DrillResult:
    started = time.monotonic()
    primary, archive, restored = workdir / "primary", workdir / "wal-archive", workdir / "restored"
    for d in (workdir, archive):
        d.mkdir(parents=True, exist_ok=True)
        _own(d)
    data = ensure_cluster(primary, "postgres", workdir / "initdb.log")
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(_archive_settings(archive))
    port = _free_port()
    _pg_ctl(data, "start", port=port, sock=primary, log=workdir / "primary.log")
    try:
        with _connect(port) as conn:
            conn.execute("CREATE TABLE ledger (id bigserial PRIMARY KEY, phase text NOT NULL, "
                         "amount_minor bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())")
            _write(conn, "before-backup", rows_before // 2)
            base = workdir / "base"
            _run([str(pg_bin() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                  "-D", str(base), "-X", "stream", "-c", "fast", "--no-sync"])
            _write(conn, "after-backup", rows_before - rows_before // 2)
            target = conn.execute("SELECT clock_timestamp()::text").fetchone()[0]
            time.sleep(1.1)  # the instant sits strictly between the two groups of commits
            _write(conn, "after-target", rows_after)
            segment = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]
            deadline = time.monotonic() + 60
            while not (archive / segment).exists():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"WAL segment {segment} never reached the archive")
                time.sleep(0.2)
    finally:
        _pg_ctl(data, "stop")
    # Restore: the base backup, then WAL from the archive up to the target, then promote.
    shutil.copytree(base, restored / "data", symlinks=True)
    for path in (restored, *restored.rglob("*")):
        _own(path)
    with open(restored / "data" / "postgresql.auto.conf", "a") as conf:
        conf.write(f"restore_command = 'cp {archive}/%f %p'\nrecovery_target_time = '{target}'\n"
                   "recovery_target_action = 'promote'\narchive_mode = off\n")
    (restored / "data" / "recovery.signal").touch()
    _own(restored / "data" / "recovery.signal")
    (restored / "data" / "recovery.signal").chmod(0o600)
    port = _free_port()
    _pg_ctl(restored / "data", "start", port=port, sock=restored, log=workdir / "restored.log")
    try:
        with _connect(port) as conn:
            deadline = time.monotonic() + 60
            while conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                if time.monotonic() > deadline:
                    raise RuntimeError("the restored cluster never left recovery")
                time.sleep(0.2)
            total = conn.execute("SELECT count(*) FROM ledger").fetchone()[0]
            late = conn.execute("SELECT count(*) FROM ledger WHERE phase = 'after-target'").fetchone()[0]
    finally:
        _pg_ctl(restored / "data", "stop")
    return DrillResult(rows_before, rows_after, total, late, target, time.monotonic() - started)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="pitr-drill-", dir="/tmp"))
    try:
        r = run_drill(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"base backup + WAL archive restored to {r.target}: {r.restored_rows} of {r.rows_before_target} rows "
          f"written before it, {r.restored_after_target} of {r.rows_after_target} written after it "
          f"({r.seconds:.1f} s) -> {'exact' if r.exact else 'NOT EXACT'}")
    return 0 if r.exact else 1


if __name__ == "__main__":
    sys.exit(main())
