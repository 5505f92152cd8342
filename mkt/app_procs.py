"""The marketplace's own long-running processes (the API and the stream worker) run detached for the demo,
with PID files and logs under STACK_DIR/apps/<name>/ like the servers of the stack."""
from __future__ import annotations

import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from deploy.local import process
from kernel.settings import REPO_ROOT, stack_settings
from mkt.streams_cli import worker_argv


@dataclass(frozen=True)
class AppProcess:
    name: str
    cmd: list[str]
    ready_url: str | None = None
    ready_log_line: bytes | None = None  # for processes without HTTP: a line their log prints once ready
    port: int | None = None

    @property
    def dir(self) -> Path:
        return stack_settings().stack_dir / "apps" / self.name

    @property
    def pid_path(self) -> Path:
        return self.dir / f"{self.name}.pid"

    @property
    def log_path(self) -> Path:
        return self.dir / f"{self.name}.log"

    def running(self) -> bool:
        return process.is_alive(process.read_pid(self.pid_path))

    def ready(self) -> bool:
        if not self.running():
            return False
        if self.ready_log_line is not None:
            log = self.log_path.read_bytes() if self.log_path.exists() else b""
            return self.ready_log_line in log.rpartition(b"===== ")[2]  # only this start's lines
        if self.ready_url is None:
            return True
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False


def app_processes() -> list[AppProcess]:
    mkt = str(Path(sys.executable).with_name("mkt"))
    gateway = urlsplit(stack_settings().gateway_url)
    return [
        AppProcess("api", [mkt, "serve", "--port", str(gateway.port or 8000)],
                   f"{stack_settings().gateway_url}/readyz", port=gateway.port or 8000),
        # faust directly, not through `mkt`: the worker is up ~3 s sooner without importing every CLI command.
        AppProcess("streams", worker_argv("info"), ready_log_line=b"[^Worker]: Ready"),
    ]


def ensure_running(app: AppProcess, timeout: float = 60.0) -> tuple[int, bool]:
    """(pid, started_now). Waits until ready; raises RuntimeError pointing at the log otherwise."""
    record = process.read_pid(app.pid_path)
    if process.is_alive(record) and app.ready():
        return record.pid, False
    if process.is_alive(record):
        process.terminate(record)
    app.dir.mkdir(parents=True, exist_ok=True)
    pid = process.spawn(app.cmd, app.log_path, cwd=REPO_ROOT)
    process.write_pid(app.pid_path, pid, app.cmd)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not app.running():
            break
        if app.ready():
            return pid, True
        time.sleep(0.3)
    raise RuntimeError(f"{app.name} did not become ready; see {app.log_path}")


def stop(app: AppProcess) -> bool:
    record = process.read_pid(app.pid_path)
    if not process.is_alive(record):
        process.remove_pid(app.pid_path)
        return False
    process.terminate(record)
    process.remove_pid(app.pid_path)
    return True
