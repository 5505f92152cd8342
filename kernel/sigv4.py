"""AWS Signature Version 4 for S3-compatible object stores (AWS S3, MinIO, R2, Ceph RGW), with no SDK.

Pure functions, checked against the worked examples of the S3 API reference ("Signature Calculations for the
Authorization Header"), so the adapter in kernel.storage needs only httpx.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    region: str = "us-east-1"
    service: str = "s3"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def uri_encode_path(path: str) -> str:
    """S3 encodes each path segment once (unlike other AWS services, which encode twice)."""
    return quote(path or "/", safe="/-_.~")


def _canonical_query(query: dict[str, str] | None) -> str:
    items = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in (query or {}).items())
    return "&".join(f"{k}={v}" for k, v in items)


def canonical_request(method: str, path: str, query: dict[str, str] | None, headers: dict[str, str],
                      payload_hash: str) -> tuple[str, str]:
    """(canonical request, signed header names) for already-lowercased, trimmed headers."""
    names = sorted(headers)
    canonical_headers = "".join(f"{n}:{headers[n]}\n" for n in names)
    signed = ";".join(names)
    text = "\n".join([method.upper(), uri_encode_path(path), _canonical_query(query), canonical_headers, signed,
                      payload_hash])
    return text, signed


def signing_key(creds: Credentials, date: str) -> bytes:
    key = f"AWS4{creds.secret_access_key}".encode()
    for part in (date, creds.region, creds.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign_headers(creds: Credentials, *, method: str, host: str, path: str, query: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None, payload_hash: str = EMPTY_SHA256,
                 now: datetime | None = None) -> dict[str, str]:
    """The headers to send (the given ones plus host, x-amz-date, x-amz-content-sha256 and Authorization)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    amz_date, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    signed_headers = {k.lower().strip(): " ".join(str(v).split()) for k, v in (headers or {}).items()}
    signed_headers.update({"host": host, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash})
    request, signed_names = canonical_request(method, path, query, signed_headers, payload_hash)
    scope = f"{date}/{creds.region}/{creds.service}/aws4_request"
    string_to_sign = "\n".join([ALGORITHM, amz_date, scope, sha256_hex(request.encode())])
    signature = hmac.new(signing_key(creds, date), string_to_sign.encode(), hashlib.sha256).hexdigest()
    signed_headers["authorization"] = (f"{ALGORITHM} Credential={creds.access_key_id}/{scope},"
                                       f"SignedHeaders={signed_names},Signature={signature}")
    return signed_headers
