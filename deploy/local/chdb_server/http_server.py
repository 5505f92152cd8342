"""Local warehouse server: this process owns a chDB data path and serves ClickHouse's HTTP interface, so that
clickhouse-connect (and its SQLAlchemy dialect, hence Superset) in any number of other processes work unmodified.

    python -m deploy.local.chdb_server.http_server --data-dir .stack/chdb --host 127.0.0.1 --port 18123 --pool 4

chDB calls block, so they run in a thread pool of --pool threads; --pool is also the number of handles shared by
requests without a session.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from deploy.local.chdb_server import http_protocol as proto
from deploy.local.chdb_server.chdb_pool import HandlePool, Lease, WarehouseError
from deploy.local.chdb_server.chdb_statements import Outcome, execute_statement, start_stream
from deploy.local.chdb_server.http_body import RequestBody, encode_all, response_encoder

log = logging.getLogger("warehouse.http")

HEAD_LIMIT = 512 * 1024  # more than max_query_size, so any INSERT head is inside it
APPEND_BATCH = 1 << 20
MIN_COMPRESSED = 512


def engine_path(data_dir: str, backups_dir: str | None = None) -> str:
    """The chDB connection string: the data path, and where BACKUP/RESTORE may write (ClickHouse's
    `backups.allowed_path`; default: a `backups` folder beside the data path)."""
    backups = Path(backups_dir) if backups_dir else Path(data_dir).resolve().parent / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    return f"{data_dir}?backups.allowed_path={backups.resolve()}"


class Warehouse:
    def __init__(self, data_dir: str, pool_size: int, backups_dir: str | None = None) -> None:
        self.pool = HandlePool(engine_path(data_dir, backups_dir), pool_size)
        self.executor = ThreadPoolExecutor(pool_size, thread_name_prefix="chdb")

    async def run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(fn, *args))

    async def run_shielded(self, fn, *args):
        """For cleanup that must happen even when the request task is being cancelled."""
        with anyio.CancelScope(shield=True):
            return await self.run(fn, *args)

    async def lease(self, spec: proto.RequestSpec, sql: bytes | None = None) -> Lease:
        # readonly cannot be lifted again on a handle, so such a request never touches a shared or session handle
        if spec.settings.get("readonly", "0") != "0":
            return self.pool.throwaway()
        if spec.session_id:
            return self.pool.session(spec.session_id, spec.session_timeout, spec.session_check, spec.close_session)
        # Without a session, state set by the statement must not outlive it: give it a handle of its own
        if sql is not None and proto.changes_session_state(sql):
            return self.pool.throwaway()
        return await self.pool.pooled()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.pool.close()


def _headers(wh: Warehouse, spec: proto.RequestSpec, lease: Lease | None, summary: str | None) -> dict[str, str]:
    tz = spec.timezone_override or (lease and lease.handle.session_tz) or wh.pool.server_tz
    headers = {"X-ClickHouse-Query-Id": spec.query_id, "X-ClickHouse-Timezone": tz,
               "X-ClickHouse-Server-Display-Name": "chdb-local"}
    if summary is not None:
        headers["X-ClickHouse-Summary"] = summary
    return headers


def _ok(wh: Warehouse, spec: proto.RequestSpec, lease: Lease, outcome: Outcome) -> Response:
    headers = _headers(wh, spec, lease, outcome.summary)
    body = outcome.body
    # X-ClickHouse-Format only for statements that return a result, or client.command() misreads DDL answers
    if outcome.fmt:
        headers["X-ClickHouse-Format"] = outcome.fmt
        headers["Content-Type"] = proto.content_type(outcome.fmt)
    encoder = response_encoder(spec.accept_encoding) if len(body) >= MIN_COMPRESSED else None
    if encoder:
        body, headers["Content-Encoding"] = encode_all(encoder, body), encoder.name
    return Response(body, headers=headers)


def _error(wh: Warehouse, spec: proto.RequestSpec | None, error: WarehouseError) -> Response:
    headers = {"X-ClickHouse-Exception-Code": str(error.code), "Content-Type": "text/plain; charset=UTF-8"}
    if spec is not None:
        headers.update(_headers(wh, spec, None, None))
    return Response((error.text() + "\n").encode(), status_code=500, headers=headers)


class _StreamedResult(Response):
    """Native rows sent as chDB produces them; cleanup runs whether the client reads to the end or goes away."""

    def __init__(self, headers: dict[str, str], chunks, cleanup) -> None:
        self.status_code, self.background = 200, None
        self.init_headers(headers)
        self._chunks, self._cleanup = chunks, cleanup

    async def __call__(self, scope, receive, send) -> None:
        cleaned = False
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for chunk in self._chunks:
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            # Release the session before the client sees the end, or its next request finds the session locked
            cleaned = True
            await self._cleanup()
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            if not cleaned:
                await self._cleanup()


async def _stream(wh: Warehouse, spec, lease: Lease, sql: str) -> Response:
    stream, first, fixes = await wh.run(start_stream, lease.handle, spec, sql)
    tag = secrets.token_hex(8)
    headers = _headers(wh, spec, lease, proto.summary_header()) | {
        "X-ClickHouse-Format": "Native", "Content-Type": "application/octet-stream",
        "X-ClickHouse-Exception-Tag": tag}
    encoder = response_encoder(spec.accept_encoding)
    if encoder:
        headers["Content-Encoding"] = encoder.name
    encode = encoder.feed if encoder else (lambda b: b)

    async def chunks():
        try:
            yield encode(first)
            while (block := await wh.run(stream.fetch)) is not None:
                yield encode(proto.apply_repairs(block.bytes(), fixes))
        except Exception as exc:  # rows are already out: report the error inside the body, as ClickHouse does
            yield encode(proto.exception_trailer(proto.as_warehouse_error(exc), tag))
        if encoder:
            yield encoder.finish()

    async def cleanup():
        broken = False
        try:
            await wh.run_shielded(stream.cancel)
        except Exception:
            broken = True
        lease.release(broken)

    return _StreamedResult(headers, chunks(), cleanup)


async def _insert(wh: Warehouse, spec, split: proto.InsertSplit, head: bytes, body: RequestBody) -> Response:
    lease = await wh.lease(spec)
    handle, broken = lease.handle, False
    try:
        inserter = await wh.run(_start_insert, handle, spec, split)
        try:
            started, pending = time.perf_counter(), bytearray(head[split.data_offset:])
            async for chunk in body.rest():
                pending += chunk
                if len(pending) >= APPEND_BATCH:
                    await wh.run(inserter.append, bytes(pending))
                    pending.clear()
            if pending:
                await wh.run(inserter.append, bytes(pending))
            result = await wh.run(inserter.finish)
        except BaseException:
            try:
                await wh.run_shielded(inserter.cancel)
            except Exception:
                broken = True
            raise
        summary = proto.summary_header(written_rows=result.rows_written, written_bytes=result.bytes_written,
                                       elapsed_s=time.perf_counter() - started)
        return _ok(wh, spec, lease, Outcome(b"", None, summary, result.rows_written))
    finally:
        lease.release(broken)


def _start_insert(handle, spec, split: proto.InsertSplit):
    handle.prepare(spec.settings, spec.database)
    return handle.conn.send_insert(split.statement, split.fmt)


async def _query(wh: Warehouse, spec, sql_bytes: bytes) -> Response:
    if not sql_bytes.strip():
        raise WarehouseError(62, "SYNTAX_ERROR", "Empty query")
    sql = sql_bytes.decode("utf-8")
    keyword = proto.leading_keyword(sql_bytes)
    lease = await wh.lease(spec, sql_bytes)
    streamed = False
    try:
        if not spec.wait_end and keyword in ("SELECT", "WITH") and proto.output_format(sql, spec.default_format) == "Native":
            response = await _stream(wh, spec, lease, sql)
            streamed = True  # the response now owns the lease
            return response
        outcome = await wh.run(execute_statement, lease.handle, spec, sql, keyword)
        return _ok(wh, spec, lease, outcome)
    finally:
        if not streamed:
            lease.release()


async def clickhouse_http(request: Request) -> Response:
    wh: Warehouse = request.app.state.warehouse
    started, spec, body, what = time.perf_counter(), None, None, ""
    try:
        spec = proto.RequestSpec.parse(list(request.query_params.multi_items()), request.headers)
        if request.method == "GET" and not spec.query_param:
            return PlainTextResponse("Ok.\n")
        body = await RequestBody.open(request, spec)
        head = await body.read_head(HEAD_LIMIT)
        split = proto.split_insert(head) if proto.leading_keyword(head) == "INSERT" else None
        what = f"{split.statement} FORMAT {split.fmt}" if split else _sql_head(head)
        # A small INSERT ... VALUES is plain SQL (expressions, parameters); a large one is streamed as data
        if split and (split.fmt != "Values" or not body.complete):
            response = await _insert(wh, spec, split, head, body)
        else:
            response = await _query(wh, spec, head + await body.read_all())
    except Exception as exc:
        error = proto.as_warehouse_error(exc)
        if body is not None:
            await body.drain()  # let the client finish sending, so it reads our answer and not a broken pipe
        log.warning("query_id=%s ms=%.1f sql=%r error: %s", spec and spec.query_id,
                    (time.perf_counter() - started) * 1000, what, error.text().splitlines()[0][:300])
        return _error(wh, spec, error)
    log.info("query_id=%s ms=%.1f sql=%r", spec.query_id, (time.perf_counter() - started) * 1000, what)
    return response


def _sql_head(body: bytes) -> str:
    start = proto.statement_start(body)
    return " ".join(body[start:start + 200].decode("utf-8", "replace").split())[:100]


async def ping(_request: Request) -> Response:
    return PlainTextResponse("Ok.\n")


def create_app(data_dir: str, pool_size: int, backups_dir: str | None = None) -> Starlette:
    # opens the data path now: a locked path fails at start-up
    warehouse = Warehouse(data_dir, pool_size, backups_dir)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.warehouse = warehouse
        reaper = asyncio.create_task(warehouse.pool.reap_forever())
        log.info("warehouse http server ready: chDB %s, data %s, pool %d", warehouse.pool.version, data_dir, pool_size)
        try:
            yield
        finally:
            reaper.cancel()
            warehouse.close()

    routes = [Route("/ping", ping, methods=["GET", "HEAD"]), Route("/replicas_status", ping, methods=["GET"]),
              Route("/", clickhouse_http, methods=["GET", "POST"])]
    return Starlette(routes=routes, lifespan=lifespan)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18123)
    parser.add_argument("--pool", type=int, default=4)
    parser.add_argument("--backups-dir", default=None, help="where BACKUP ... TO File(...) may write")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        app = create_app(args.data_dir, args.pool, args.backups_dir)
    except Exception as exc:  # typically: another process already owns this data path
        log.error("cannot open chDB data path %s: %s", args.data_dir, exc)
        sys.exit(1)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                timeout_keep_alive=30, lifespan="on")


if __name__ == "__main__":
    main()
