"""PID files and detached processes for the local stack.

A PID file is JSON `{"pid", "create_time", "cmd"}`: the create time guards against PID reuse, so `down` never
signals a process it did not start. Processes are started in their own session (process group == PID) with
stdout/stderr appended to the part's log, so they outlive the `mkt stack up` that started them.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

import psutil


@dataclass(frozen=True)
class PidRecord:
    pid: int
    create_time: float
    cmd: list[str]


def write_pid(path: Path, pid: int, cmd: Sequence[str]) -> PidRecord:
    record = PidRecord(pid=pid, create_time=psutil.Process(pid).create_time(), cmd=list(cmd))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record.__dict__))
    tmp.replace(path)
    return record


def read_pid(path: Path) -> PidRecord | None:
    try:
        data = json.loads(path.read_text())
        return PidRecord(pid=int(data["pid"]), create_time=float(data["create_time"]), cmd=list(data["cmd"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_pid(path: Path) -> None:
    path.unlink(missing_ok=True)


def is_alive(record: PidRecord | None) -> bool:
    """True if the recorded process still runs (same PID *and* same start time, not a zombie)."""
    if record is None:
        return False
    try:
        proc = psutil.Process(record.pid)
        if abs(proc.create_time() - record.create_time) > 1.0:
            return False
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def spawn(cmd: Sequence[str], log_path: Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Start `cmd` detached (new session), output appended to `log_path`; returns its PID."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        stamp = datetime.now().isoformat(timespec="seconds")
        log.write(f"\n===== {stamp} mkt stack: starting: {' '.join(cmd)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
    # Reap it if it dies while we still run (no zombie confusing is_alive); detached otherwise.
    _watch(proc)
    return proc.pid


_children: list[subprocess.Popen] = []


def _watch(proc: subprocess.Popen) -> None:
    _children.append(proc)
    for child in list(_children):
        if child.poll() is not None:
            _children.remove(child)


def reap() -> None:
    for child in list(_children):
        if child.poll() is not None:
            _children.remove(child)


def terminate(record: PidRecord, timeout: float = 10.0) -> bool:
    """SIGTERM the recorded process (and its process group if it leads one), wait, then SIGKILL.

    Returns True if it is gone. Only acts if the PID still belongs to the recorded process.
    """
    if not is_alive(record):
        return True
    try:
        proc = psutil.Process(record.pid)
        group = os.getpgid(record.pid) == record.pid
    except (psutil.Error, ProcessLookupError):
        return True
    members = _group_members(record.pid) if group else [proc]
    _signal(record.pid, signal.SIGTERM, group)
    _signal(record.pid, signal.SIGCONT, group)  # a stopped (SIGSTOP) process only sees SIGTERM once continued
    alive = _wait_gone(members, timeout)
    if alive:
        _signal(record.pid, signal.SIGKILL, group)
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        alive = _wait_gone(alive, 5.0)
    reap()
    return not alive


def _gone(proc: psutil.Process) -> bool:
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True


def _wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Wait until every process has exited; returns those still running after `timeout`.

    A zombie counts as gone: on some machines PID 1 reaps orphans only every second or so, and
    psutil.wait_procs would wait for that.
    """
    reap()
    deadline = time.monotonic() + timeout
    alive = [p for p in procs if not _gone(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.02)
        reap()
        alive = [p for p in alive if not _gone(p)]
    return alive


def orphans(record: PidRecord | None) -> list[psutil.Process]:
    """Live members of the process group the recorded (now dead) process led."""
    if record is None or is_alive(record):
        return []
    members = []
    for p in _group_members(record.pid):
        try:
            if p.create_time() >= record.create_time - 1.0 and not _gone(p):
                members.append(p)
        except psutil.Error:
            continue
    return members


def kill_orphans(record: PidRecord | None, timeout: float = 10.0) -> int:
    """Stop what is left of the process group our recorded process led after it died (e.g. SIGKILLed mlflow
    leaves its uvicorn child holding the port). Returns how many processes were stopped.

    Safe: a PID is not reused while a process group of that id exists, and members must be younger than it.
    """
    members = orphans(record)
    if not members:
        return 0
    for p in members:
        try:
            p.terminate()
        except psutil.Error:
            pass
    alive = _wait_gone(members, timeout)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    _wait_gone(alive, 5.0)
    return len(members)


def _group_members(pgid: int) -> list[psutil.Process]:
    members = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid:
                members.append(p)
        except (ProcessLookupError, PermissionError, OSError):
            continue
    return members


def _signal(pid: int, sig: int, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.1,
               abort: Callable[[], bool] | None = None) -> bool:
    """Poll `check` until it is true (True), `abort` says give up, or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return True
        except Exception:  # a readiness probe failing is just "not yet"
            pass
        if abort is not None and abort():
            return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def tail(path: Path, lines: int = 50) -> str:
    """The last `lines` lines of a (possibly large) log file."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            block = 8192
            data = b""
            pos = size
            while pos > 0 and data.count(b"\n") <= lines:
                step = min(block, pos)
                pos -= step
                f.seek(pos)
                data = f.read(step) + data
    except FileNotFoundError:
        return ""
    text = data.decode(errors="replace")
    return "\n".join(text.splitlines()[-lines:])
