"""Column types that keep personal data encrypted at rest: the ORM encrypts on write and decrypts on read, so
use cases, views and events see plain values while a database dump, a replica or a backup shows only ciphertext.

Which columns (decided for issue 13): a shopper's phone and street lines (profiles), the shipping address snapshot
on each order and the stored Idempotency-Key answers that repeat it (orders), besides vendors' bank account
numbers (kernel.crypto directly). City, postal code and country stay readable: shipping zones, fraud features and
the warehouse group by them, and they do not identify a person alone. Login e-mails stay readable too: auth
looks accounts up by them (a deterministic scheme or a blind index would be the next step, not taken here).

SQLAlchemy types carry no request or session context, so the cipher is the process's: each service that owns
such columns installs its own (`use_column_cipher`, from its settings, which refuse the development key outside
dev/test); scripts, migrations and tests fall back to DATA_ENCRYPTION_KEY from the environment (or SECRETS_DIR).
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

from kernel.crypto import PREFIX, DataCipher, DecryptionFailed
from kernel.settings import DataEncryptionSettings

_cipher: DataCipher | None = None


def use_column_cipher(cipher: DataCipher) -> None:
    global _cipher
    _cipher = cipher


def column_cipher() -> DataCipher:
    global _cipher
    if _cipher is None:
        _cipher = DataCipher.from_settings(DataEncryptionSettings())
    return _cipher


def is_encrypted(stored: Any) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


class EncryptedText(TypeDecorator[str]):
    """A text column stored as Fernet ciphertext (see kernel.crypto); it cannot be searched or sorted in SQL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else column_cipher().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else column_cipher().decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value stored as one JSONB string holding its ciphertext (the column's type stays JSONB, so existing
    rows are rewritten in place by a data migration, not by a type change)."""

    impl = JSONB
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(none_as_null=True)

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return column_cipher().encrypt(json.dumps(value, separators=(",", ":"), default=str))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if not is_encrypted(value):
            raise DecryptionFailed("an encrypted JSON column holds a plain value (run the service's migrations)")
        return json.loads(column_cipher().decrypt(value))


def rewrite_rows(conn: Any, table: str, columns: list[str], *, encrypt: bool, as_json: bool,
                 rotate: bool = False) -> int:
    """Encrypt (or, for a downgrade, decrypt) `columns` of every row of `table` in place: the data half of the
    migration that turns a column into an encrypted one. Rows already in the wanted form are left alone, so it can
    run again. `rotate`: re-encrypt what is encrypted under the current (first) key, so an old key can be retired.
    Returns how many rows changed."""
    from sqlalchemy import text

    cipher, changed = column_cipher(), 0
    # Rows are addressed by ctid: the tables differ in their keys, and the one transaction keeps each row where it
    # was read until this loop rewrites it (once).
    rows = conn.execute(text(f"SELECT ctid::text, {', '.join(columns)} FROM {table}")).all()
    for row in rows:
        values = {}
        for name, value in zip(columns, row[1:]):
            if value is None or is_encrypted(value) != (rotate or not encrypt):
                continue
            if rotate:
                new = cipher.rotate(value)
            elif encrypt:
                new = cipher.encrypt(json.dumps(value, separators=(",", ":"), default=str) if as_json else value)
            else:
                values[name] = cipher.decrypt(value)  # as JSON text too: the cast parses it back
                continue
            values[name] = json.dumps(new) if as_json else new
        if values:
            sets = ", ".join(f"{name} = CAST(:{name} AS {'jsonb' if as_json else 'text'})" for name in values)
            conn.execute(text(f"UPDATE {table} SET {sets} WHERE ctid = CAST(:_key AS tid)"), {**values, "_key": row[0]})
            changed += 1
    return changed
