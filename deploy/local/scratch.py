"""Private, throwaway copies of the local stack's parts, for fault drills that must break a part without touching
the shared stack other people are using.

Each part runs the same binaries/code `mkt stack up` runs (deploy/local/parts.py), on free ports, with its files in
a temp dir; `env()` gives the overrides that point a process (a `mkt serve`, the stream worker) at the copies.
Only PIDs started here are ever signalled.

    with ScratchStack() as s:            # PostgreSQL + Tansu + chDB server + Redis, migrated
        api = s.spawn("api", [mkt, "serve", "--workers", "1", "--port", str(port)])
        s.kafka.restart()                # the fault
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from deploy.local import postgres as pg
from deploy.local import process
from deploy.local.databases import SERVICE_DATABASES
from deploy.local.parts import BIND, KafkaPart, http_get, venv_python
from kernel.settings import REPO_ROOT, StackSettings


def free_port() -> int:
    with socket.socket() as s:
        s.bind((BIND, 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (bound and released): a 'down' dependency without stopping anything shared."""
    return free_port()


class ScratchProcess:
    """One child process we started: start, stop (SIGTERM), kill -9, restart with the same command."""

    def __init__(self, name: str, cmd: list[str], log: Path, env: dict[str, str] | None = None,
                 ready=None, timeout: float = 60.0):
        self.name, self.cmd, self.log, self.env, self.ready_check, self.timeout = name, cmd, log, env, ready, timeout
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ScratchProcess":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         env={**os.environ, **(self.env or {})}, cwd=REPO_ROOT,
                                         start_new_session=True)
        if self.ready_check is not None:
            alive = lambda: self.proc is None or self.proc.poll() is not None  # noqa: E731
            if not process.wait_until(self.ready_check, self.timeout, abort=alive):
                raise RuntimeError(f"{self.name} not ready in {self.timeout:.0f} s:\n{process.tail(self.log, 30)}")
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        if self.running():
            try:
                os.killpg(self.proc.pid, sig)  # our own session: the group is exactly what we started
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
        self.proc = None

    def kill9(self) -> None:
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def restart(self) -> "ScratchProcess":
        self.stop()
        return self.start()


class ScratchPostgres:
    """A scratch cluster (initdb into the temp dir), the service databases created; stop/start keep the data."""

    def __init__(self, root: Path):
        self.dir, self.port = root / "postgres", free_port()
        self.url = f"postgresql+psycopg://postgres@{BIND}:{self.port}"
        self.conn = pg.PgConn(BIND, self.port, "postgres", None)

    def start(self) -> None:
        pg.ensure_cluster(self.dir, "postgres", self.dir / "initdb.log")
        pg.start(self.dir, self.port, self.dir / "server.log", timeout=60)
        pg.ensure_databases(self.conn, SERVICE_DATABASES)

    def stop(self) -> None:
        pg.stop(self.dir, timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()


class ScratchStack:
    """PostgreSQL, Tansu, the chDB HTTP server and Redis, each private, migrated, and the env that points at them."""

    def __init__(self, root: Path | None = None, keep: bool = False):
        self.root = root or Path(tempfile.mkdtemp(prefix="mkt-scratch-", dir="/tmp"))
        pg._own(self.root)  # the postgres OS user must reach its cluster dir under it
        self.keep = keep
        self.postgres = ScratchPostgres(self.root)
        tansu = KafkaPart(StackSettings()).binary
        self.kafka_port, self.warehouse_port, self.redis_port = free_port(), free_port(), free_port()
        kafka_url = f"tcp://{BIND}:{self.kafka_port}"
        self.kafka = ScratchProcess(
            "kafka", [str(tansu), "broker", "--listener-url", kafka_url, "--advertised-listener-url", kafka_url,
                      "--storage-engine", "memory://tansu/"], self.root / "kafka.log",
            ready=lambda: process.port_open(BIND, self.kafka_port), timeout=20)
        self.warehouse = ScratchProcess(
            "warehouse", [venv_python(), "-m", "deploy.local.chdb_server.http_server", "--data-dir",
                          str(self.root / "warehouse"), "--host", BIND, "--port", str(self.warehouse_port),
                          "--pool", "2"], self.root / "warehouse.log", env={"PYTHONUNBUFFERED": "1"},
            ready=lambda: http_get(f"http://{BIND}:{self.warehouse_port}/ping")[0] == 200, timeout=60)
        self.redis = ScratchProcess(
            "redis", [shutil.which("redis-server") or "redis-server", "--bind", BIND, "--port", str(self.redis_port),
                      "--save", "", "--appendonly", "no", "--dir", str(self.root)], self.root / "redis.log",
            ready=lambda: process.port_open(BIND, self.redis_port), timeout=10)
        self.children: list[ScratchProcess] = []

    @property
    def bootstrap(self) -> str:
        return f"{BIND}:{self.kafka_port}"

    def env(self) -> dict[str, str]:
        """What a process needs to use these parts (and nothing of the shared stack's state)."""
        return {
            "DATABASE_URL": self.postgres.url, "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "REDIS_URL": f"redis://{BIND}:{self.redis_port}/0", "CLICKHOUSE_URL": f"http://{BIND}:{self.warehouse_port}",
            "STACK_DIR": str(self.root / "stack"), "ENV": "test",
            # Search and MLflow are not part of this copy: a closed port, never the shared servers' state.
            "TYPESENSE_URL": f"http://{BIND}:{closed_port()}", "MLFLOW_TRACKING_URI": f"http://{BIND}:{closed_port()}",
        }

    def run_tool(self, *args: str, timeout: float = 300) -> str:
        """A `mkt` command against these parts (migrations, outbox replay); raises with its output on failure."""
        res = subprocess.run([venv_python(), "-m", "mkt.cli", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                             env={**os.environ, **self.env()}, timeout=timeout)
        if res.returncode != 0:
            raise RuntimeError(f"mkt {' '.join(args)} failed:\n{res.stdout[-2000:]}\n{res.stderr[-3000:]}")
        return res.stdout

    def ensure_topics(self) -> None:
        from deploy.local.kafka_topics import ensure_topics

        ensure_topics(self.bootstrap)

    def start(self) -> "ScratchStack":
        (self.root / "stack").mkdir(parents=True, exist_ok=True)
        self.postgres.start()
        self.kafka.start()
        self.warehouse.start()
        self.redis.start()
        self.ensure_topics()
        self.run_tool("db", "upgrade")
        self.run_tool("warehouse", "migrate")
        return self

    def spawn(self, name: str, cmd: list[str], ready=None, timeout: float = 120.0,
              env: dict[str, str] | None = None) -> ScratchProcess:
        child = ScratchProcess(name, cmd, self.root / f"{name}.log", env={**self.env(), **(env or {})},
                               ready=ready, timeout=timeout)
        self.children.append(child)
        return child.start()

    def close(self) -> None:
        for child in reversed(self.children):
            child.stop()
        for part in (self.redis, self.warehouse, self.kafka):
            part.stop()
        self.postgres.stop()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "ScratchStack":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()


def wait_for(check, timeout: float, what: str, interval: float = 0.5):
    """Poll until `check()` returns something truthy (returned); raise AssertionError naming `what` on timeout."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            if value := check():
                return value
        except Exception as exc:  # noqa: BLE001 - a part still coming back: keep polling
            last = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last!r})")
