"""chDB handles of the one process that owns the data path: a pool for session-less requests, one handle per
HTTP session (SET, USE and temporary tables live in a handle), throwaway handles for state-changing statements
sent without a session.

Every handle is a `chdb.connect(path)` on the same path; handles share the data and run queries in parallel.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import dataclass, field

import chdb

log = logging.getLogger("warehouse.pool")

_SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class WarehouseError(Exception):
    """An error reported to the client the way ClickHouse reports it: numeric code, symbolic name, text."""

    def __init__(self, code: int, name: str, message: str, verbatim: str | None = None) -> None:
        super().__init__(message)
        self.code, self.name, self.message, self._verbatim = code, name, message, verbatim

    def text(self) -> str:
        return self._verbatim or f"Code: {self.code}. DB::Exception: {self.message}. ({self.name})"


def quote_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_ident(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


class Handle:
    """One chDB connection plus what this server layered on it.

    URL settings apply to one request only (as in ClickHouse), but they are applied with SET, which persists
    in the handle. So the handle remembers which URL settings are in force and the value each had before,
    and a request only pays for the settings that differ from the previous request on this handle.
    """

    def __init__(self, path: str, session_id: str | None = None) -> None:
        self.conn = chdb.connect(path)
        self.session_id = session_id
        self.session_tz: str | None = None  # a session's own `SET session_timezone`
        self._applied: dict[str, str] = {}
        self._restore: dict[str, str] = {}  # SQL value that puts back what was there before the URL setting
        self._own_db = "default"  # where the session's own USE left it
        self._db = "default"  # what is in force right now

    def query(self, sql: str, fmt: str = "TabSeparated", params: dict[str, str] | None = None):
        return self.conn.query(sql, fmt, params=params or {})

    def prepare(self, settings: dict[str, str], database: str | None) -> None:
        """Make exactly this request's URL settings and database current on the handle."""
        stale = [name for name in self._applied if name not in settings]
        changed = {k: v for k, v in settings.items() if self._applied.get(k) != v}
        if stale or changed:
            for name in changed:
                if not _SETTING_NAME.match(name):
                    raise WarehouseError(115, "UNKNOWN_SETTING", f"Unknown setting '{name}'")
            fresh = self._snapshot([k for k in changed if k not in self._restore])
            assigns = [f"{k} = {self._restore[k]}" for k in stale]
            assigns += [f"{k} = {quote_literal(v)}" for k, v in changed.items()]
            self.query("SET " + ", ".join(assigns))  # one statement: it applies all or nothing
            for name in stale:
                del self._applied[name], self._restore[name]
            self._restore.update(fresh)
            self._applied.update(changed)
        wanted = database or self._own_db
        if wanted != self._db:
            self.query(f"USE {quote_ident(wanted)}")
            self._db = wanted

    def _snapshot(self, names: list[str]) -> dict[str, str]:
        if not names:
            return {}
        listed = ", ".join(quote_literal(n) for n in names)
        out = self.query(f"SELECT name, value, changed FROM system.settings WHERE name IN ({listed})",
                         "JSONCompactEachRow").bytes().decode()
        rows = [json.loads(line) for line in out.splitlines() if line]
        # DEFAULT restores chDB's own profile default; a value the session set itself must be restored verbatim.
        # Names absent from system.settings (aliases) can only be put back to DEFAULT.
        restore = dict.fromkeys(names, "DEFAULT")
        restore.update({name: (quote_literal(value) if changed else "DEFAULT") for name, value, changed in rows})
        return restore

    def run_session_statement(self, sql: str, fmt: str, params: dict[str, str]):
        """A session's own SET/USE: run it on the bare session state, then re-read what it changed."""
        self.prepare({}, None)
        result = self.query(sql, fmt, params)
        self._own_db = self._db = self.query("SELECT currentDatabase()").bytes().decode().strip()
        self.session_tz = self.query("SELECT timezone()").bytes().decode().strip()
        return result

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # closing a handle must never fail a request
            log.exception("closing a chDB handle failed")


@dataclass
class _Session:
    handle: Handle
    timeout: float
    last_used: float = field(default_factory=time.monotonic)
    busy: bool = False


class Lease:
    """A handle lent to one request; `release` hands it back (or closes it)."""

    def __init__(self, handle: Handle, on_release) -> None:
        self.handle = handle
        self._on_release = on_release
        self._released = False

    def release(self, broken: bool = False) -> None:
        if not self._released:
            self._released = True
            self._on_release(self.handle, broken)


class HandlePool:
    def __init__(self, path: str, size: int) -> None:
        self.path = path
        # An open connection keeps the embedded engine (and the data-path lock) alive for the process lifetime.
        self._anchor = chdb.connect(path)
        self._idle: asyncio.Queue[Handle] = asyncio.Queue()
        for _ in range(size):
            self._idle.put_nowait(Handle(path))
        self._sessions: dict[str, _Session] = {}
        self.server_tz = self._anchor.query("SELECT timezone()", "TabSeparated").bytes().decode().strip()
        self.version = self._anchor.query("SELECT version()", "TabSeparated").bytes().decode().strip()

    async def pooled(self) -> Lease:
        handle = await self._idle.get()
        return Lease(handle, self._give_back)

    def _give_back(self, handle: Handle, broken: bool) -> None:
        if broken:
            handle.close()
            handle = Handle(self.path)
        self._idle.put_nowait(handle)

    def throwaway(self) -> Lease:
        return Lease(Handle(self.path), lambda handle, _broken: handle.close())

    def session(self, session_id: str, timeout: float, check: bool, close: bool) -> Lease:
        entry = self._sessions.get(session_id)
        if entry is None:
            if check:
                raise WarehouseError(372, "SESSION_NOT_FOUND", f"Session {session_id} not found")
            entry = self._sessions[session_id] = _Session(Handle(self.path, session_id), timeout)
        if entry.busy:
            raise WarehouseError(373, "SESSION_IS_LOCKED", f"Session {session_id} is locked by a concurrent client")
        entry.busy, entry.timeout = True, timeout

        def back(handle: Handle, broken: bool) -> None:
            entry.busy, entry.last_used = False, time.monotonic()
            if broken or close:
                self._sessions.pop(session_id, None)
                handle.close()

        return Lease(entry.handle, back)

    async def reap_forever(self, every: float = 5.0) -> None:
        while True:
            await asyncio.sleep(every)
            self.reap(time.monotonic())

    def reap(self, now: float) -> None:
        expired = [sid for sid, s in self._sessions.items() if not s.busy and now - s.last_used > s.timeout]
        for sid in expired:
            self._sessions.pop(sid).handle.close()
        if expired:
            log.info("closed %d idle session(s), %d open", len(expired), len(self._sessions))

    def close(self) -> None:
        for entry in self._sessions.values():
            entry.handle.close()
        self._sessions.clear()
        while not self._idle.empty():
            self._idle.get_nowait().close()
        self._anchor.close()
