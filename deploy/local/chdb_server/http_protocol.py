"""The parts of ClickHouse's HTTP interface that clickhouse-connect relies on, as pure functions: what a request
URL means, how a statement is classified, where insert data starts, and what a response must carry.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from deploy.local.chdb_server.chdb_pool import WarehouseError

# URL parameters that steer the HTTP handler itself; everything else (except param_*) is a query setting.
_TRANSPORT_PARAMS = {
    "query", "database", "default_format", "session_id", "session_timeout", "session_check", "close_session",
    "query_id", "user", "password", "quota_key", "buffer_size", "wait_end_of_query", "client_protocol_version",
    "role", "stacktrace", "compress", "decompress",
}
# Real settings that only mean something to ClickHouse's own HTTP server; this server decides them itself.
_HTTP_ONLY_SETTINGS = {
    "enable_http_compression", "http_zlib_compression_level", "send_progress_in_http_headers",
    "http_headers_progress_interval_ms", "cancel_http_readonly_queries_on_client_close", "add_http_cors_header",
    "http_response_buffer_size", "http_wait_end_of_query", "http_native_compression_disable_checksumming_on_decompress",
}
_MAX_SESSION_TIMEOUT = 3600.0
_ON = ("1", "true", "True")


@dataclass
class RequestSpec:
    query_param: str
    params: dict[str, str]
    settings: dict[str, str]
    database: str | None
    default_format: str
    session_id: str | None
    session_timeout: float
    session_check: bool
    close_session: bool
    query_id: str
    wait_end: bool
    accept_encoding: str | None
    content_encoding: str | None

    @classmethod
    def parse(cls, items: list[tuple[str, str]], headers) -> RequestSpec:
        url = dict(items)
        if url.get("compress") in _ON or url.get("decompress") in _ON:
            raise WarehouseError(48, "NOT_IMPLEMENTED", "ClickHouse-native HTTP compression (compress/decompress=1) "
                                 "is not supported by the local warehouse server; use Content-Encoding")
        params = {k[6:]: v for k, v in items if k.startswith("param_")}
        settings = {k: v for k, v in items
                    if k not in _TRANSPORT_PARAMS and k not in _HTTP_ONLY_SETTINGS and not k.startswith("param_")}
        try:
            timeout = min(float(url.get("session_timeout") or 60), _MAX_SESSION_TIMEOUT)
        except ValueError:
            raise WarehouseError(27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", "Invalid session timeout") from None
        compression_on = url.get("enable_http_compression", "1") in _ON
        return cls(
            query_param=url.get("query", ""),
            params=params,
            settings=settings,
            database=url.get("database") or headers.get("x-clickhouse-database") or None,
            default_format=url.get("default_format") or headers.get("x-clickhouse-format") or "TabSeparated",
            session_id=url.get("session_id") or None,
            session_timeout=timeout,
            session_check=url.get("session_check") in _ON,
            close_session=url.get("close_session") in _ON,
            query_id=url.get("query_id") or str(uuid.uuid4()),
            wait_end=url.get("wait_end_of_query") in _ON,
            accept_encoding=headers.get("accept-encoding") if compression_on else None,
            content_encoding=headers.get("content-encoding"),
        )

    def add_form_fields(self, fields: dict[str, str]) -> None:
        """A multipart/form-data request (clickhouse-connect uses it for long bind parameters)."""
        self.query_param = fields.get("query", self.query_param)
        self.params.update({k[6:]: v for k, v in fields.items() if k.startswith("param_")})

    @property
    def timezone_override(self) -> str | None:
        return self.settings.get("session_timezone") or None


# ---- statements -----------------------------------------------------------------------------------------------
_LEADING_NOISE = re.compile(rb"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.S)
_WORD = re.compile(rb"[A-Za-z_]+")
_RESULT_KEYWORDS = {"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN", "CHECK", "VALUES", "FROM"}
_SESSION_STATE = re.compile(rb"\s*(?:SET\b|USE\b|CREATE\s+(?:OR\s+REPLACE\s+)?TEMPORARY\b|DROP\s+TEMPORARY\b)", re.I)

_IDENT = rb"(?:`(?:[^`\\]|\\.)*`|\"(?:[^\"\\]|\\.)*\"|[A-Za-z_][\w$]*)"
_SETTING = rb"\w+\s*=\s*(?:'(?:[^'\\]|\\.)*'|[^\s,']+)"
_INSERT_HEAD = re.compile(
    rb"INSERT\s+INTO\s+(?:TABLE\s+)?" + _IDENT + rb"(?:\s*\.\s*" + _IDENT + rb")?"
    # one character or one quoted name per step: no nested repetition, so no catastrophic backtracking
    rb"(?:\s*\((?:[^()'`\"]|`(?:[^`\\]|\\.)*`|\"(?:[^\"\\]|\\.)*\")*\))?"
    rb"(?:\s+SETTINGS\s+" + _SETTING + rb"(?:\s*,\s*" + _SETTING + rb")*)?"
    rb"\s*(?P<kw>\bFORMAT\s+(?P<fmt>\w+)[ \t\r]*\n?|\bVALUES\b)",
    re.I,
)
_OUTPUT_FORMAT = re.compile(r"\bFORMAT\s+(\w+)(?=(?:\s+SETTINGS\b[^;]*)?\s*;?\s*$)", re.I)


def statement_start(sql: bytes) -> int:
    return _LEADING_NOISE.match(sql).end()


def leading_keyword(sql: bytes) -> str:
    match = _WORD.match(sql, statement_start(sql))
    return match.group(0).decode().upper() if match else ""


def changes_session_state(sql: bytes) -> bool:
    return bool(_SESSION_STATE.match(sql, statement_start(sql)))


@dataclass
class InsertSplit:
    statement: str  # INSERT head without FORMAT/VALUES, as chDB's send_insert() wants it
    fmt: str
    data_offset: int  # where the data starts in the (decoded) body


def split_insert(body: bytes) -> InsertSplit | None:
    """Where ClickHouse would stop parsing an INSERT and start reading data (data is never parsed as SQL)."""
    start = statement_start(body)
    match = _INSERT_HEAD.match(body, start)
    if not match:
        return None
    head = body[start : match.start("kw")].decode().rstrip()
    return InsertSplit(head, (match.group("fmt") or b"Values").decode(), match.end())


def output_format(sql: str, default: str) -> str:
    match = _OUTPUT_FORMAT.search(sql[-4096:])
    return match.group(1) if match else default


def without_format(sql: str) -> str:
    tail_at = max(0, len(sql) - 4096)
    return sql[:tail_at] + _OUTPUT_FORMAT.sub("", sql[tail_at:]).rstrip().rstrip(";")


def produces_result(keyword: str) -> bool:
    return keyword in _RESULT_KEYWORDS


# ---- Native output repairs -------------------------------------------------------------------------------------
def _leb128(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _named(name: str, type_name: str) -> bytes:
    name_b, type_b = name.encode(), type_name.encode()
    return _leb128(len(name_b)) + name_b + _leb128(len(type_b)) + type_b


def native_header_block(columns: list[tuple[str, str]]) -> bytes:
    """What ClickHouse sends for an empty Native result: one block with the columns and zero rows."""
    return _leb128(len(columns)) + _leb128(0) + b"".join(_named(n, t) for n, t in columns)


_DATETIME_TZ = re.compile(r"DateTime\('[^']*'\)")


def timezone_repairs(columns: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """chDB's Native writer drops the zone of DateTime('tz') (DateTime64 keeps it); put it back.

    Each column header is `name, type` length-prefixed, so the pair is a specific byte string per block.
    """
    fixes = []
    for name, full_type in columns:
        bare = _DATETIME_TZ.sub("DateTime", full_type)
        if bare != full_type:
            fixes.append((_named(name, bare), _named(name, full_type)))
    return fixes


def apply_repairs(block: bytes, fixes: list[tuple[bytes, bytes]]) -> bytes:
    for bare, full in fixes:
        block = block.replace(bare, full)
    return block


def may_need_timezone_repair(block: bytes) -> bool:
    return b"DateTime" in block


# ---- responses -------------------------------------------------------------------------------------------------
def summary_header(read_rows=0, read_bytes=0, written_rows=0, written_bytes=0, result_rows=0, result_bytes=0,
                   elapsed_s: float = 0.0) -> str:
    values = {"read_rows": read_rows, "read_bytes": read_bytes, "written_rows": written_rows,
              "written_bytes": written_bytes, "total_rows_to_read": read_rows, "result_rows": result_rows,
              "result_bytes": result_bytes, "elapsed_ns": int(elapsed_s * 1e9)}
    # ClickHouse sends every value as a string; QuerySummary relies on str.isnumeric()
    return json.dumps({k: str(int(v)) for k, v in values.items()}, separators=(",", ":"))


def content_type(fmt: str) -> str:
    lower = fmt.lower()
    if lower.startswith(("json", "ndjson")):
        return "application/json; charset=UTF-8"
    if lower.startswith(("tabseparated", "tsv")):
        return "text/tab-separated-values; charset=UTF-8"
    if lower.startswith("csv"):
        return "text/csv; charset=UTF-8; header=absent"
    if lower in ("pretty", "prettycompact", "vertical", "markdown", "values", "xml", "template"):
        return "text/plain; charset=UTF-8"
    return "application/octet-stream"


_CODE = re.compile(r"Code: (\d+)\.")
_NAME = re.compile(r"\(([A-Z][A-Z0-9_]+)\)\s*(?:\(version [^)]*\))?\s*$")


def as_warehouse_error(exc: BaseException) -> WarehouseError:
    """chDB's messages already read `Code: NN. DB::Exception: ... (NAME)`: keep them verbatim."""
    if isinstance(exc, WarehouseError):
        return exc
    text = str(exc)
    at = text.find("Code: ")
    match = _CODE.match(text, at) if at >= 0 else None
    if match:
        verbatim = text[at:].strip()
        name = _NAME.search(verbatim)
        return WarehouseError(int(match.group(1)), name.group(1) if name else "", verbatim, verbatim)
    return WarehouseError(1001, "STD_EXCEPTION", f"{type(exc).__name__}: {text}")


def exception_trailer(error: WarehouseError, tag: str) -> bytes:
    """An error after streamed rows, in the tagged form clickhouse-connect parses (ClickHouse 25.11+)."""
    message = error.text().encode()
    return (b"__exception__\r\n" + tag.encode() + b"\r\n" + message + b"\n"
            + str(len(message)).encode() + b" " + tag.encode() + b"\r\n__exception__\r\n")
