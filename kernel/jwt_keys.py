"""RS256 signing keys and their JWKS form. Only the auth service holds a private key."""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SigningKey:
    def __init__(self, private_pem: bytes) -> None:
        self.private_pem = private_pem
        self._key = serialization.load_pem_private_key(private_pem, password=None)
        if not isinstance(self._key, rsa.RSAPrivateKey):
            raise ValueError("JWT signing key must be an RSA private key")
        numbers = self._key.public_key().public_numbers()
        self.kid = hashlib.sha256(f"{numbers.n}:{numbers.e}".encode()).hexdigest()[:16]
        self.jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                    "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}

    @classmethod
    def generate(cls) -> "SigningKey":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        return cls(pem)

    @classmethod
    def load_or_create(cls, path: Path) -> "SigningKey":
        """Local development only: a key kept under .stack/ so tokens survive restarts.

        Several processes start at once on a fresh stack (`mkt serve --workers N` forks them together): each used to
        generate a key and write it, so every process signed with its own key and a token from one was "Unknown
        signing key" in the others. The first to link its fully written file wins; the others read that one."""
        if path.exists():
            return cls(path.read_bytes())
        key = cls.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(key.private_pem)
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic, and fails if another process got there first
        except FileExistsError:
            return cls(path.read_bytes())
        finally:
            tmp.unlink(missing_ok=True)
        return key


def jwks_document(keys: list[SigningKey]) -> dict:
    return {"keys": [k.jwk for k in keys]}
