"""Dagster's webserver (the UI over the pipelines' code location) and its daemon (schedules, sensors, run queue),
both on the instance in DAGSTER_HOME=dagster_home (SQLite storage: Dagster's embedded default)."""
from __future__ import annotations

from deploy.local.parts import BIND, Part, host_port, http_get, venv_bin
from kernel.settings import REPO_ROOT, CommonSettings

DAGSTER_HOME = REPO_ROOT / "dagster_home"
CODE_LOCATION = "pipelines.definitions"


def dagster_env() -> dict[str, str]:
    return {"DAGSTER_HOME": str(DAGSTER_HOME), "PYTHONUNBUFFERED": "1", "OPENBLAS_NUM_THREADS": "1",
            "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


class DagsterWebserverPart(Part):
    name = "dagster"
    start_timeout = 120.0
    description = "Dagster webserver (pipelines UI), DAGSTER_HOME=dagster_home"

    def __init__(self, settings: CommonSettings):
        host, port = host_port(settings.dagster_url, 3000)
        super().__init__(settings, host, port)

    def missing(self) -> str | None:
        return None if venv_bin("dagster-webserver") else "dagster-webserver not found in .venv"

    def command(self) -> list[str]:
        return [venv_bin("dagster-webserver") or "dagster-webserver", "-h", BIND, "-p", str(self.port),
                "-m", CODE_LOCATION]

    def env(self) -> dict[str, str]:
        return dagster_env()

    def ready(self) -> bool:
        status, _ = http_get(f"http://{self.host}:{self.port}/server_info")
        return status == 200


class DagsterDaemonPart(Part):
    name = "dagster-daemon"
    start_timeout = 120.0
    description = "Dagster daemon (schedules, sensors, run queue)"

    def __init__(self, settings: CommonSettings):
        super().__init__(settings, BIND, 0)

    def missing(self) -> str | None:
        return None if venv_bin("dagster-daemon") else "dagster-daemon not found in .venv"

    def command(self) -> list[str]:
        return [venv_bin("dagster-daemon") or "dagster-daemon", "run", "-m", CODE_LOCATION]

    def env(self) -> dict[str, str]:
        return dagster_env()

    def ready(self) -> bool:
        # the daemon serves no port: it is up once it has announced the daemons it runs
        return self.log_path.exists() and b"daemons" in self.log_path.read_bytes()[-65536:]
