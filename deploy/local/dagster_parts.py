"""Dagster's code server (the pipelines' code location, loaded once), its webserver (the UI) and its daemon
(schedules, sensors, run queue), on the instance in DAGSTER_HOME=dagster_home (SQLite storage: Dagster's embedded
default).

Why a code server of its own: given `-m pipelines.definitions`, the webserver and the daemon each spawn a private
code server, and the daemon replaces its one every 60 s (its workspace reload interval is not configurable). Every
replacement imports the pipelines anew: 7-8 s of CPU a minute, about an eighth of one of the machine's two cores,
taken from whatever else runs. Both now read a workspace that points at one long-lived `dagster code-server`."""
from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from deploy.local import process
from deploy.local.parts import BIND, Part, host_port, http_get, venv_bin
from kernel.settings import REPO_ROOT, StackSettings

DAGSTER_HOME = REPO_ROOT / "dagster_home"
CODE_LOCATION = "pipelines.definitions"


_INSTANCE_LOCK = threading.Lock()
_initialized: list[bool] = []


def init_instance() -> None:
    """Create (or migrate) the instance's SQLite storage once, before the webserver and the daemon start side by
    side: both would otherwise create schedules.db at the same moment and stamp its alembic_version twice, after
    which every process opening the instance fails with "more than one head present"."""
    with _INSTANCE_LOCK:
        if _initialized:
            return
        subprocess.run([venv_bin("dagster") or "dagster", "instance", "migrate"], env={**os.environ, **dagster_env()},
                       cwd=REPO_ROOT, check=True, capture_output=True, timeout=300)
        _initialized.append(True)


def dagster_env() -> dict[str, str]:
    return {"DAGSTER_HOME": str(DAGSTER_HOME), "PYTHONUNBUFFERED": "1", "OPENBLAS_NUM_THREADS": "1",
            "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


class _DagsterPart(Part):
    def env(self) -> dict[str, str]:
        return dagster_env()

    def prepare(self) -> None:
        super().prepare()
        init_instance()


class DagsterCodeServerPart(_DagsterPart):
    name = "dagster-code"
    start_timeout = 120.0
    description = "Dagster code server (gRPC) for pipelines.definitions, shared by the webserver and the daemon"

    def __init__(self, settings: StackSettings):
        super().__init__(settings, BIND, settings.dagster_code_server_port)

    def missing(self) -> str | None:
        return None if venv_bin("dagster") else "dagster not found in .venv"

    def command(self) -> list[str]:
        return [venv_bin("dagster") or "dagster", "code-server", "start", "-h", BIND, "-p", str(self.port),
                "-m", CODE_LOCATION, "--location-name", CODE_LOCATION]

    def ready(self) -> bool:
        # gRPC's standard health check, as `dagster api grpc-health-check` asks it, without importing dagster here.
        import grpc
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        with grpc.insecure_channel(f"{self.host}:{self.port}") as channel:
            try:
                answer = health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(service="DagsterApi"), timeout=2)
            except grpc.RpcError:
                return False
        return answer.status == health_pb2.HealthCheckResponse.SERVING

    @property
    def workspace(self) -> Path:
        return self.dir / "workspace.yaml"

    def prepare(self) -> None:
        super().prepare()
        self.workspace.write_text(
            "# Written by `mkt stack up` (deploy/local/dagster_parts.py): the one code server of the local stack.\n"
            f"load_from:\n  - grpc_server:\n      host: {BIND}\n      port: {self.port}\n"
            f"      location_name: {CODE_LOCATION}\n")


class _WorkspacePart(_DagsterPart):
    """A Dagster process that loads the code location from the stack's code server."""
    needs = (DagsterCodeServerPart.name,)

    def workspace_args(self) -> list[str]:
        return ["-w", str(DagsterCodeServerPart(self.settings).workspace)]


class DagsterWebserverPart(_WorkspacePart):
    name = "dagster"
    start_timeout = 120.0
    description = "Dagster webserver (pipelines UI), DAGSTER_HOME=dagster_home"

    def __init__(self, settings: StackSettings):
        host, port = host_port(settings.dagster_url, 3000)
        super().__init__(settings, host, port)

    def missing(self) -> str | None:
        return None if venv_bin("dagster-webserver") else "dagster-webserver not found in .venv"

    def command(self) -> list[str]:
        return [venv_bin("dagster-webserver") or "dagster-webserver", "-h", BIND, "-p", str(self.port),
                *self.workspace_args()]

    def ready(self) -> bool:
        status, _ = http_get(f"http://{self.host}:{self.port}/server_info")
        return status == 200


class DagsterDaemonPart(_WorkspacePart):
    name = "dagster-daemon"
    start_timeout = 120.0
    description = "Dagster daemon (schedules, sensors, run queue)"

    def __init__(self, settings: StackSettings):
        super().__init__(settings, BIND, 0)

    def missing(self) -> str | None:
        return None if venv_bin("dagster-daemon") else "dagster-daemon not found in .venv"

    def command(self) -> list[str]:
        return [venv_bin("dagster-daemon") or "dagster-daemon", "run", *self.workspace_args()]

    def ready(self) -> bool:
        # The daemon serves no port: it is up once the process we started lives and has announced its daemons
        # (a log left by an earlier run alone must not pass for a running daemon).
        if not (process.is_alive(process.read_pid(self.pid_path)) and self.log_path.exists()):
            return False
        since_start = self.log_path.read_bytes()[-65536:].rsplit(b"mkt stack: starting", 1)[-1]
        return b"daemons" in since_start
