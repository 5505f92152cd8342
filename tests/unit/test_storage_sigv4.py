"""SigV4 against the worked example of the S3 API reference, object-key safety, and storage settings."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from kernel.sigv4 import EMPTY_SHA256, Credentials, canonical_request, sha256_hex, sign_headers
from kernel.storage import StorageSettings, valid_key

# The documentation's example credentials (not a secret: published by AWS for exactly this purpose).
EXAMPLE = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region="us-east-1")
WHEN = datetime(2013, 5, 24, tzinfo=timezone.utc)


def test_get_object_example_from_the_s3_reference():
    headers = sign_headers(EXAMPLE, method="GET", host="examplebucket.s3.amazonaws.com", path="/test.txt",
                           headers={"Range": "bytes=0-9"}, now=WHEN)
    assert headers["authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    assert headers["x-amz-date"] == "20130524T000000Z" and headers["x-amz-content-sha256"] == EMPTY_SHA256


def test_canonical_request_of_the_example_hashes_as_documented():
    request, signed = canonical_request("GET", "/test.txt", None, {
        "host": "examplebucket.s3.amazonaws.com", "range": "bytes=0-9", "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20130524T000000Z"}, EMPTY_SHA256)
    assert signed == "host;range;x-amz-content-sha256;x-amz-date"
    assert sha256_hex(request.encode()) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"


def test_path_segments_are_encoded_once():
    request, _ = canonical_request("PUT", "/test$file.text", None, {"host": "h"}, EMPTY_SHA256)
    assert request.splitlines()[1] == "/test%24file.text"


@pytest.mark.parametrize("key,ok", [
    ("products/0190/abc.png", True), ("a.jpg", True),
    ("../etc/passwd", False), ("products/../x.png", False), ("/abs.png", False), (".hidden", False),
    ("a//b.png", False), ("a/b\\c.png", False), ("", False), ("x" * 200, False),
])
def test_object_keys_cannot_escape_the_store(key, ok):
    assert valid_key(key) is ok


def test_s3_backend_refused_without_its_settings(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    with pytest.raises(ValidationError, match="S3_ENDPOINT_URL"):
        StorageSettings()
    for name, value in {"S3_ENDPOINT_URL": "http://127.0.0.1:9000", "S3_BUCKET": "media",
                        "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s"}.items():
        monkeypatch.setenv(name, value)
    assert StorageSettings().storage_backend == "s3"
