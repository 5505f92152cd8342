"""The local PostgreSQL server: its own cluster under STACK_DIR/postgres (not Debian's 5432 cluster).

Postgres refuses to run as root, so when we are root every initdb/pg_ctl runs through `runuser -u postgres`
and the part's directory is owned by postgres. Local connections are trusted; the server listens on 127.0.0.1
only and puts its unix socket in the part's directory.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

PG_VERSION = "15"
PG_OS_USER = "postgres"


@dataclass(frozen=True)
class PgConn:
    host: str
    port: int
    user: str
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> "PgConn":
        from sqlalchemy.engine import make_url

        u = make_url(url)
        return cls(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres", password=u.password)

    def conninfo(self, dbname: str = "postgres") -> str:
        parts = [f"host={self.host}", f"port={self.port}", f"user={self.user}", f"dbname={dbname}", "connect_timeout=2"]
        if self.password:
            parts.append(f"password={self.password}")
        return " ".join(parts)


def pg_bin() -> Path:
    """Debian's PostgreSQL 15 binaries (or the newest installed version if 15 is absent)."""
    override = os.environ.get("PG_BIN")
    if override:
        return Path(override)
    root = Path("/usr/lib/postgresql")
    preferred = root / PG_VERSION / "bin"
    if (preferred / "postgres").exists():
        return preferred
    versions = sorted((p for p in root.glob("*/bin") if (p / "postgres").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    return preferred


def installed() -> str | None:
    """None if the server binaries exist, else why not."""
    if not (pg_bin() / "postgres").exists():
        return f"PostgreSQL binaries not found in {pg_bin()} (run deploy/local/install.sh)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(PG_OS_USER)
        except KeyError:
            return "running as root but there is no 'postgres' OS user (install the Debian postgresql package)"
    return None


def _as_pg(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_OS_USER, "--", *cmd]
    return cmd


def _own(path: Path) -> None:
    """When root, make `path` owned by the postgres OS user (initdb/pg_ctl then create the rest as it)."""
    if os.geteuid() != 0:
        return
    pw = pwd.getpwnam(PG_OS_USER)
    if path.lstat().st_uid != pw.pw_uid:
        os.lchown(path, pw.pw_uid, pw.pw_gid)


def _check_reachable(part_dir: Path) -> None:
    """As root, the postgres OS user must be able to traverse every parent of part_dir (not so under /root)."""
    if os.geteuid() != 0:
        return
    res = subprocess.run(_as_pg(["test", "-w", str(part_dir)]), stdin=subprocess.DEVNULL)
    if res.returncode != 0:
        raise RuntimeError(f"the '{PG_OS_USER}' OS user cannot write {part_dir}: a parent directory is not "
                           "traversable (e.g. the repo is under /root); set STACK_DIR to a path it can reach, "
                           "or chmod o+x the parents")


def ensure_cluster(part_dir: Path, superuser: str, log_path: Path) -> Path:
    """initdb a cluster in part_dir/data if there is none; returns the data dir."""
    data = part_dir / "data"
    part_dir.mkdir(parents=True, exist_ok=True)
    _own(part_dir)
    _check_reachable(part_dir)
    if (data / "PG_VERSION").exists():
        return data
    if data.exists():  # a half-made cluster from an interrupted initdb: it is ours, start over
        shutil.rmtree(data)
    cmd = _as_pg([str(pg_bin() / "initdb"), "-D", str(data), "-U", superuser, "--auth=trust", "--no-sync",
                  "-E", "UTF8", "--locale=C.UTF-8"])
    with open(log_path, "ab") as log:
        res = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if res.returncode != 0:
        raise RuntimeError(f"initdb failed (exit {res.returncode}); see {log_path}")
    return data


def _data_dir_processes(data: Path) -> list:
    """Live processes whose working directory is the data dir (every postgres process of that cluster)."""
    import psutil

    found = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and Path(p.cwd()) == data:
                found.append(p)
        except (psutil.Error, OSError):
            continue
    return found


def _pid_gone(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True


def _lock_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None


def _clear_stale_locks(part_dir: Path, wait: float = 15.0) -> None:
    """Remove postmaster.pid and the socket lock left by a killed server so pg_ctl can start a new one.

    Postgres refuses to start while the PID in those files exists, and a killed postmaster can stay a zombie for
    a while (slow PID 1 reaping). The files are only removed once no process works in the data dir any more
    (backends exit when they notice the postmaster died); otherwise starting would be unsafe.
    """
    import time

    data = part_dir / "data"
    pidfile = data / "postmaster.pid"
    sock_locks = list(part_dir.glob(".s.PGSQL.*.lock"))
    stale = [f for f in [pidfile, *sock_locks] if (pid := _lock_pid(f)) is not None and _pid_gone(pid)]
    if not stale:
        return
    deadline = time.monotonic() + wait
    while (left := _data_dir_processes(data)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        raise RuntimeError(f"the postmaster is gone but processes {[p.pid for p in left]} still use {data}; "
                           "stop them before starting postgres again")
    for f in stale:
        f.unlink(missing_ok=True)
        if f.name.startswith(".s.PGSQL."):
            f.with_suffix("").unlink(missing_ok=True)  # the socket itself


def start(part_dir: Path, port: int, log_path: Path, timeout: float) -> int:
    """Start the server (pg_ctl -w) detached; returns the postmaster PID."""
    data = part_dir / "data"
    _clear_stale_locks(part_dir)
    if not log_path.exists():
        log_path.touch()
    _own(log_path)
    # Every service keeps its own pool and one process may host them all (mkt serve, tests): allow plenty.
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {part_dir} -c max_connections=500"
    cmd = _as_pg([str(pg_bin() / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log_path),
                  "-w", "-t", str(int(timeout)), "start"])
    res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True, timeout=timeout + 10)
    if res.returncode != 0:
        raise RuntimeError(f"pg_ctl start failed (exit {res.returncode}): {res.stdout.decode(errors='replace').strip()}")
    return postmaster_pid(data)


def postmaster_pid(data: Path) -> int:
    return int((data / "postmaster.pid").read_text().splitlines()[0])


def stop(part_dir: Path, timeout: float = 30.0) -> bool:
    data = part_dir / "data"
    if not (data / "postmaster.pid").exists():
        return True
    cmd = _as_pg([str(pg_bin() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", str(int(timeout)), "stop"])
    res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return res.returncode == 0


def ready(conn: PgConn) -> bool:
    import psycopg

    with psycopg.connect(conn.conninfo(), autocommit=True) as c:
        c.execute("SELECT 1").fetchone()
    return True


def ensure_databases(conn: PgConn, names: Iterable[str]) -> list[str]:
    """CREATE DATABASE for each missing name; returns the ones created."""
    import psycopg
    from psycopg import sql

    created = []
    with psycopg.connect(conn.conninfo(), autocommit=True) as c:
        existing = {row[0] for row in c.execute("SELECT datname FROM pg_database")}
        for name in names:
            if name in existing:
                continue
            try:
                c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created.append(name)
            except psycopg.errors.DuplicateDatabase:  # created concurrently
                pass
    return created
