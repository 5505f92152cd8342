"""The row rewrites behind encryption at rest (kernel/encrypted_columns.rewrite_rows) on the real PostgreSQL: the
migration's encrypt and decrypt, and `mkt db rotate-key`'s re-encryption under a new key, on a scratch table."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from kernel.crypto import DataCipher, DecryptionFailed, generate_key
from kernel.db import sync_url
from kernel.encrypted_columns import column_cipher, rewrite_rows, use_column_cipher
from kernel.settings import service_database_url


@pytest.fixture
def conn(stack):
    engine = create_engine(sync_url(service_database_url("profiles")))
    with engine.connect() as connection, connection.begin() as tx:
        connection.execute(text("CREATE TEMP TABLE pii_scratch (id int, street text, address jsonb)"))
        connection.execute(text("INSERT INTO pii_scratch VALUES (1, '1 Main St', CAST(:a AS jsonb)), (2, NULL, NULL)"),
                           {"a": json.dumps({"line1": "1 Main St", "country": "US"})})
        yield connection
        tx.rollback()
    engine.dispose()


@pytest.fixture
def keys():
    before, old, new = column_cipher(), generate_key(), generate_key()
    use_column_cipher(DataCipher(old))
    yield old, new
    use_column_cipher(before)


def _stored(conn) -> tuple:
    return conn.execute(text("SELECT street, address FROM pii_scratch WHERE id = 1")).one()


def test_encrypt_then_decrypt_restores_the_rows_and_a_second_run_changes_nothing(conn, keys):
    assert rewrite_rows(conn, "pii_scratch", ["street"], encrypt=True, as_json=False) == 1
    assert rewrite_rows(conn, "pii_scratch", ["address"], encrypt=True, as_json=True) == 1
    street, address = _stored(conn)
    assert street.startswith("f1:") and isinstance(address, str) and "Main" not in street + address
    assert rewrite_rows(conn, "pii_scratch", ["street"], encrypt=True, as_json=False) == 0
    rewrite_rows(conn, "pii_scratch", ["street"], encrypt=False, as_json=False)
    rewrite_rows(conn, "pii_scratch", ["address"], encrypt=False, as_json=True)
    assert _stored(conn) == ("1 Main St", {"line1": "1 Main St", "country": "US"})


def test_rotation_re_encrypts_under_the_new_key_so_the_old_one_can_go(conn, keys):
    old, new = keys
    rewrite_rows(conn, "pii_scratch", ["street"], encrypt=True, as_json=False)
    rewrite_rows(conn, "pii_scratch", ["address"], encrypt=True, as_json=True)
    use_column_cipher(DataCipher(f"{new},{old}"))  # the new key prepended: it encrypts, both decrypt
    assert rewrite_rows(conn, "pii_scratch", ["street"], encrypt=True, as_json=False, rotate=True) == 1
    assert rewrite_rows(conn, "pii_scratch", ["address"], encrypt=True, as_json=True, rotate=True) == 1
    street, address = _stored(conn)
    only_new, only_old = DataCipher(new), DataCipher(old)
    assert only_new.decrypt(street) == "1 Main St"
    assert json.loads(only_new.decrypt(address)) == {"line1": "1 Main St", "country": "US"}
    with pytest.raises(DecryptionFailed):
        only_old.decrypt(street)
