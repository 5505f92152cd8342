"""Running one HTTP request's statement on a chDB handle, and making the answer look like ClickHouse's.

Everything here blocks, so the server calls it from its thread pool.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from deploy.local.chdb_server import http_protocol as proto
from deploy.local.chdb_server.chdb_pool import Handle


@dataclass
class Outcome:
    body: bytes
    fmt: str | None  # sent as X-ClickHouse-Format: only when the statement returns a result
    summary: str
    rows: int


def execute_statement(handle: Handle, spec: proto.RequestSpec, sql: str, keyword: str) -> Outcome:
    started = time.perf_counter()
    if handle.session_id and keyword in ("SET", "USE"):
        result = handle.run_session_statement(sql, spec.default_format, spec.params)
    else:
        handle.prepare(spec.settings, spec.database)
        result = handle.query(sql, spec.default_format, spec.params)
    body = result.bytes() or b""
    fmt = proto.output_format(sql, spec.default_format)
    returns_rows = bool(body) or proto.produces_result(keyword)
    if returns_rows and fmt.lower() == "native":
        body = _repair_native(handle, spec, sql, body)
    summary = proto.summary_header(
        read_rows=result.storage_rows_read(), read_bytes=result.storage_bytes_read(),
        written_rows=result.rows_written(), written_bytes=result.bytes_written(),
        result_rows=result.rows_read(), result_bytes=result.bytes_read(),
        elapsed_s=time.perf_counter() - started)
    return Outcome(body, fmt if returns_rows else None, summary, result.rows_read())


def _repair_native(handle: Handle, spec: proto.RequestSpec, sql: str, body: bytes) -> bytes:
    """chDB's Native output differs from ClickHouse's in two ways clients notice.

    An empty result is zero bytes (ClickHouse sends a header block, so column names survive), and a
    DateTime('zone') column is typed plain DateTime. Both are fixed from the result's described columns.
    """
    if body and not proto.may_need_timezone_repair(body):
        return body
    columns = describe_result(handle, spec, sql, rerun=not body)
    if columns is None:
        return body
    if not body:
        return proto.native_header_block(columns)
    return proto.apply_repairs(body, proto.timezone_repairs(columns))


def describe_result(handle: Handle, spec: proto.RequestSpec, sql: str, rerun: bool) -> list[tuple[str, str]] | None:
    """Names and full types of what `sql` returns: DESCRIBE analyses without executing.

    Statements that cannot be described (SHOW, EXISTS, ...) are re-run as JSON when `rerun` allows.
    """
    inner = proto.without_format(sql)
    try:
        out = handle.query(f"DESCRIBE TABLE ({inner}\n)", "JSONCompactEachRow", spec.params).bytes()
        return [(row[0], row[1]) for row in map(json.loads, out.decode().splitlines()) if row]
    except Exception:
        if not rerun:
            return None
    try:
        meta = json.loads(handle.query(f"{inner}\nFORMAT JSON", "JSON", spec.params).bytes())["meta"]
        return [(col["name"], col["type"]) for col in meta]
    except Exception:
        return None


def start_stream(handle: Handle, spec: proto.RequestSpec, sql: str):
    """Start a Native query whose rows are sent as they come (the client did not ask to wait for the end).

    Returns the chDB stream, the first bytes to send and the repairs every later block needs. The result is
    described before the stream opens: a handle answers nothing else while a stream is open on it.
    """
    handle.prepare(spec.settings, spec.database)
    columns = describe_result(handle, spec, sql, rerun=False)
    fixes = proto.timezone_repairs(columns or [])
    stream = handle.conn.send_query(sql, spec.default_format, params=spec.params)
    try:
        first = stream.fetch()
    except BaseException:
        try:
            stream.cancel()
        finally:
            raise
    if first is None:
        return stream, (proto.native_header_block(columns) if columns else b""), fixes
    return stream, proto.apply_repairs(first.bytes(), fixes), fixes
