"""`mkt stack up | down | status | logs` as Python functions (the CLI in mkt/stack_cli.py only prints).

up is idempotent: a part whose recorded process is alive and ready is left alone; one that died or never ran
is (re)started and awaited; one already served on its port by a process we did not start is left alone and
reported as external. Parts are handled in parallel; a lock file serialises concurrent up/down calls.
"""
from __future__ import annotations

import fcntl
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from deploy.local import process
from deploy.local.parts import Part
from deploy.local.registry import PART_NAMES, build_parts
from kernel.settings import StackSettings

Echo = Callable[[str], None]


class StackError(RuntimeError):
    def __init__(self, message: str, failed: list[str] | None = None):
        super().__init__(message)
        self.failed = failed or []


@dataclass(frozen=True)
class PartResult:
    part: str
    action: str  # "already up" | "started" | "restarted" | "external" | "skipped" | "failed" | "stopped" | "not running"
    pid: int | None = None
    detail: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.action != "failed"


@dataclass(frozen=True)
class PartStatus:
    part: str
    port: int
    pid: int | None
    state: str  # "up" | "up (external)" | "not ready" | "down" | "not installed"
    detail: str = ""
    log_path: Path | None = None

    @property
    def up(self) -> bool:
        return self.state.startswith("up")


def _select(names: Iterable[str] | None, settings: StackSettings | None, *, with_needs: bool = False) -> list[Part]:
    parts = build_parts(settings)
    if not names:
        return list(parts.values())
    unknown = [n for n in names if n not in parts]
    if unknown:
        raise StackError(f"unknown part(s): {', '.join(unknown)}; known: {', '.join(PART_NAMES)}")
    wanted = set(names)
    for name in reversed(PART_NAMES):  # start order lists a part's needs before it
        if with_needs and name in wanted:
            wanted.update(parts[name].needs)
    return [p for name, p in parts.items() if name in wanted]


@contextmanager
def _locked(settings: StackSettings | None) -> Iterator[None]:
    stack_dir = Path((settings or StackSettings()).stack_dir)
    stack_dir.mkdir(parents=True, exist_ok=True)
    with open(stack_dir / ".mkt-stack.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _ready(part: Part) -> bool:
    try:
        return bool(part.ready())
    except Exception:
        return False


def _log_hint(part: Part, lines: int = 15) -> str:
    text = process.tail(part.log_path, lines)
    hint = f"see {part.log_path} (mkt stack logs {part.name})"
    return f"{hint}\n--- last lines of {part.log_path.name} ---\n{text}" if text else hint


def _start_and_wait(part: Part) -> int:
    pid, cmd = part.start()
    record = process.write_pid(part.pid_path, pid, cmd)
    ok = process.wait_until(lambda: _ready(part), timeout=part.start_timeout,
                            abort=lambda: not process.is_alive(record))
    if not ok:
        if not process.is_alive(record):
            process.remove_pid(part.pid_path)
            raise StackError(f"{part.name} exited during start-up; {_log_hint(part)}")
        raise StackError(f"{part.name} did not become ready within {part.start_timeout:.0f}s "
                         f"(PID {pid} left running); {_log_hint(part)}")
    return pid


def ensure_part(part: Part, required: bool = True) -> PartResult:
    t0 = time.monotonic()

    def result(action: str, pid: int | None = None, detail: str = "") -> PartResult:
        return PartResult(part.name, action, pid, detail, time.monotonic() - t0)

    try:
        record = process.read_pid(part.pid_path)
        action = "started"
        if process.is_alive(record):
            assert record is not None
            if _ready(part) or process.wait_until(lambda: _ready(part), timeout=part.start_timeout,
                                                  abort=lambda: not process.is_alive(record)):
                return result("already up", record.pid, part.after_up() or "")
            # alive but never became ready: replace it
            part.stop(record)
            action = "restarted"
        elif record is not None:
            action = "restarted"
            process.kill_orphans(record)
        process.remove_pid(part.pid_path)
        if _ready(part):
            return result("external", None, f"port {part.port} already served by a process mkt did not start; "
                                             f"left alone. {part.after_up() or ''}".strip())
        missing = part.missing()
        if missing:
            if required:
                return result("failed", None, missing)
            return result("skipped", None, missing)
        if process.port_open(part.host, part.port):
            return result("failed", None, f"port {part.port} is in use by another process that does not answer "
                                          f"as {part.name}")
        pid = _start_and_wait(part)
        return result(action, pid, part.after_up() or "")
    except Exception as exc:  # noqa: BLE001 - reported per part
        return result("failed", None, str(exc))


def _ensure_after(needs: list[Future[PartResult]], part: Part, required: bool) -> PartResult:
    """ensure_part once every part it needs is up (the others start meanwhile, in parallel)."""
    for need in needs:
        res = need.result()
        if not res.ok:
            return PartResult(part.name, "failed", None, f"needs {res.part}, which is not up")
    return ensure_part(part, required)


def ensure_up(parts: Iterable[str] | None = None, settings: StackSettings | None = None,
              echo: Echo | None = print) -> dict[str, PartResult]:
    """Bring the named parts (all if None) up; returns a result per part, raises StackError if any failed.

    With parts=None a part that is not installed here (e.g. a module not written yet) is skipped with a note;
    naming it explicitly makes that a failure.
    """
    names = list(parts) if parts else None
    selected = _select(names, settings, with_needs=True)
    results: dict[str, PartResult] = {}
    with _locked(settings), ThreadPoolExecutor(max_workers=len(selected)) as pool:
        futures: dict[str, Future[PartResult]] = {}
        for p in selected:  # in start order, so the futures of a part's needs exist when it is submitted
            needs = [futures[n] for n in p.needs if n in futures]
            futures[p.name] = pool.submit(_ensure_after, needs, p, names is not None)
        for name, fut in futures.items():
            res = fut.result()
            results[name] = res
            if echo:
                pid = f" pid {res.pid}" if res.pid else ""
                detail = f": {res.detail}" if res.detail else ""
                echo(f"{name:10} {res.action}{pid} ({res.seconds:.1f}s){detail}")
    failed = [r for r in results.values() if not r.ok]
    if failed:
        raise StackError("; ".join(f"{r.part}: {r.detail}" for r in failed), [r.part for r in failed])
    return results


def stop_part(part: Part) -> PartResult:
    t0 = time.monotonic()
    record = process.read_pid(part.pid_path)
    if not process.is_alive(record):
        orphans = process.kill_orphans(record)
        process.remove_pid(part.pid_path)
        detail = f"stopped {orphans} orphaned child process(es)" if orphans else ""
        return PartResult(part.name, "not running", None, detail, time.monotonic() - t0)
    assert record is not None
    gone = part.stop(record)
    if gone:
        process.remove_pid(part.pid_path)
        return PartResult(part.name, "stopped", record.pid, "", time.monotonic() - t0)
    return PartResult(part.name, "failed", record.pid, f"PID {record.pid} did not exit", time.monotonic() - t0)


def down(parts: Iterable[str] | None = None, settings: StackSettings | None = None,
         echo: Echo | None = print) -> dict[str, PartResult]:
    """Stop the named parts (all if None) that mkt started, by their recorded PIDs."""
    selected = _select(list(parts) if parts else None, settings)
    results: dict[str, PartResult] = {}
    with _locked(settings), ThreadPoolExecutor(max_workers=len(selected)) as pool:
        futures = {p.name: pool.submit(stop_part, p) for p in selected}
        for name, fut in futures.items():
            res = fut.result()
            results[name] = res
            if echo:
                pid = f" pid {res.pid}" if res.pid else ""
                echo(f"{name:10} {res.action}{pid} ({res.seconds:.1f}s){(': ' + res.detail) if res.detail else ''}")
    failed = [r for r in results.values() if not r.ok]
    if failed:
        raise StackError("; ".join(f"{r.part}: {r.detail}" for r in failed), [r.part for r in failed])
    return results


def part_status(part: Part) -> PartStatus:
    record = process.read_pid(part.pid_path)
    alive = process.is_alive(record)
    ready = _ready(part)
    pid = record.pid if alive and record else None
    if ready and alive:
        state, detail = "up", ""
    elif record is not None and process.orphans(record):
        state = "orphaned" if not ready else "up (orphaned)"
        detail = f"recorded PID {record.pid} died, its child processes remain; `mkt stack up {part.name}` replaces them"
    elif ready:
        state, detail = "up (external)", "served by a process mkt did not start"
    elif alive:
        state, detail = "not ready", "process alive but readiness check fails"
    else:
        missing = part.missing()
        state, detail = ("not installed", missing) if missing else ("down", "")
    return PartStatus(part.name, part.port, pid, state, detail, part.log_path)


def status(parts: Iterable[str] | None = None, settings: StackSettings | None = None) -> list[PartStatus]:
    selected = _select(list(parts) if parts else None, settings)
    with ThreadPoolExecutor(max_workers=len(selected)) as pool:
        return list(pool.map(part_status, selected))


def log_path(part: str, settings: StackSettings | None = None) -> Path:
    return _select([part], settings)[0].log_path


def logs(part: str, lines: int = 50, settings: StackSettings | None = None) -> str:
    return process.tail(log_path(part, settings), lines)
