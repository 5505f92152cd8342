"""Field-level encryption at rest for data a database dump must not reveal (bank account numbers, ...).

Fernet (AES-128-CBC + HMAC-SHA256, random IV) from `cryptography`: authenticated, so a tampered or swapped-in
ciphertext fails to decrypt instead of yielding garbage, and non-deterministic, so equal plaintexts do not show
up as equal column values. DATA_ENCRYPTION_KEY holds comma-separated keys: the first encrypts, every one
decrypts, so a key is rotated by prepending a new one and re-encrypting at leisure (`rotate`).
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from kernel.settings import DataEncryptionSettings

# Stored values carry a version prefix so a later switch of scheme (e.g. AES-GCM with row-bound AAD) can coexist.
PREFIX = "f1:"


class DecryptionFailed(Exception):
    """The value was not produced by any configured key (wrong key, tampering, or not ciphertext at all)."""


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _parse_keys(keys: str) -> list[Fernet]:
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ValueError("DATA_ENCRYPTION_KEY is empty")
    try:
        return [Fernet(k.encode()) for k in parts]
    except (ValueError, TypeError) as exc:
        raise ValueError("DATA_ENCRYPTION_KEY must be url-safe base64 of 32 bytes "
                         "(generate one with `python -c 'from kernel.crypto import generate_key; "
                         "print(generate_key())'`)") from exc


class DataCipher:
    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet(_parse_keys(keys))

    @classmethod
    def from_settings(cls, settings: DataEncryptionSettings) -> "DataCipher":
        return cls(settings.data_encryption_key)

    def encrypt(self, plaintext: str) -> str:
        return PREFIX + self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            raise DecryptionFailed("unknown ciphertext format")
        try:
            return self._fernet.decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise DecryptionFailed("value does not decrypt with any configured key") from exc

    def rotate(self, stored: str) -> str:
        """Re-encrypt under the current (first) key; used when retiring an old key."""
        return self.encrypt(self.decrypt(stored))
