"""Encryption at rest: kernel.crypto, its setting, and the vendors bank account column (fake unit of work)."""
from __future__ import annotations

import pytest

from apps.vendors.config import VendorsSettings
from apps.vendors.orm import BankAccount, Vendor
from apps.vendors.use_cases.add_bank_account import add_bank_account
from kernel.auth import CurrentUser
from kernel.crypto import DataCipher, DecryptionFailed, generate_key
from kernel.settings import DEV_DATA_ENCRYPTION_KEY

PLAIN_IBAN = "GB82WEST12345698765432"


def test_round_trip_is_randomized_and_authenticated():
    cipher = DataCipher(generate_key())
    a, b = cipher.encrypt(PLAIN_IBAN), cipher.encrypt(PLAIN_IBAN)
    assert a != b and PLAIN_IBAN not in a
    assert cipher.decrypt(a) == cipher.decrypt(b) == PLAIN_IBAN
    tampered = a[:-6] + ("A" if a[-6] != "A" else "B") + a[-5:]
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(tampered)
    with pytest.raises(DecryptionFailed):
        DataCipher(generate_key()).decrypt(a)  # another key
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(PLAIN_IBAN)  # plaintext is never mistaken for ciphertext


def test_rotation_keeps_old_values_readable():
    old, new = generate_key(), generate_key()
    stored = DataCipher(old).encrypt("123456789")
    rotated_cipher = DataCipher(f"{new},{old}")
    assert rotated_cipher.decrypt(stored) == "123456789"
    assert DataCipher(new).decrypt(rotated_cipher.rotate(stored)) == "123456789"


def test_malformed_key_is_refused():
    with pytest.raises(ValueError, match="base64 of 32 bytes"):
        DataCipher("not-a-key")
    with pytest.raises(ValueError):
        DataCipher(" , ")


def _refused_secrets() -> str:
    try:
        VendorsSettings(_env_file=None)
    except ValueError as exc:
        return str(exc)
    return ""


def test_default_key_refused_outside_dev(monkeypatch):
    monkeypatch.setenv("ENV", "prod")
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", f"{generate_key()},{DEV_DATA_ENCRYPTION_KEY}")
    assert "DATA_ENCRYPTION_KEY" in _refused_secrets()  # not even as an old key kept for decryption
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", generate_key())
    assert "DATA_ENCRYPTION_KEY" not in _refused_secrets()
    monkeypatch.setenv("ENV", "test")
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", DEV_DATA_ENCRYPTION_KEY)
    assert _refused_secrets() == ""


class _FakeSession:
    def __init__(self, vendor: Vendor) -> None:
        self.vendor, self.added = vendor, []

    async def scalar(self, stmt):
        return self.vendor if stmt.column_descriptions[0]["type"] is Vendor else 0

    def add(self, obj) -> None:
        self.added.append(obj)

    async def flush(self) -> None:
        pass


class _FakeUow:
    open = True  # a block already open: the use case runs inside it and leaves the commit to it

    def __init__(self, session: _FakeSession) -> None:
        self.session, self.events = session, []

    def emit(self, event_type, data, *, key):
        self.events.append((event_type, data))

    def repository(self, factory):  # the use case's repository, on this stand-in session
        return factory(self.session)


async def test_bank_account_column_never_holds_the_plain_number():
    owner = CurrentUser(id="0190a0a0-0000-7000-8000-000000000001", roles=("customer",))
    vendor = Vendor(id="0190a0a0-0000-7000-8000-0000000000aa", owner_user_id=owner.id, status="active")
    uow, cipher = _FakeUow(_FakeSession(vendor)), DataCipher(generate_key())
    row = await add_bank_account(
        uow=uow, settings=VendorsSettings(), cipher=cipher, vendor_id=vendor.id, user=owner,
        account_holder="Acme Ltd", iban="GB82 WEST 1234 5698 7654 32", account_no=None, bank_name="West", country="GB")
    [stored] = [o for o in uow.session.added if isinstance(o, BankAccount)]
    assert stored is row
    columns = {c.key: getattr(stored, c.key) for c in BankAccount.__table__.columns}
    for value in columns.values():
        assert "765432" not in str(value) and PLAIN_IBAN not in str(value)
    assert cipher.decrypt(stored.account_number_encrypted) == PLAIN_IBAN
    assert stored.account_last4 == "5432"
    [(event_type, data)] = uow.events
    assert event_type == "vendor.bank_account_added" and "5432" not in str(data)
