"""Encrypted column types (kernel/encrypted_columns.py): what the database receives and what the ORM hands back."""
from __future__ import annotations

import json

import pytest

from kernel.crypto import DataCipher, DecryptionFailed, generate_key
from kernel.encrypted_columns import EncryptedJSON, EncryptedText, column_cipher, use_column_cipher


@pytest.fixture
def cipher():
    before = column_cipher()
    installed = DataCipher(generate_key())
    use_column_cipher(installed)
    yield installed
    use_column_cipher(before)


def test_text_is_stored_as_ciphertext_and_read_back(cipher):
    column = EncryptedText()
    stored = column.process_bind_param("221B Baker Street", None)
    assert stored.startswith("f1:") and "Baker" not in stored
    assert stored != column.process_bind_param("221B Baker Street", None)  # random IV: equal values differ
    assert column.process_result_value(stored, None) == "221B Baker Street"
    assert column.process_bind_param(None, None) is None and column.process_result_value(None, None) is None


def test_a_value_written_under_another_key_or_in_plain_text_is_refused(cipher):
    column = EncryptedText()
    foreign = DataCipher(generate_key()).encrypt("+442079460111")
    with pytest.raises(DecryptionFailed):
        column.process_result_value(foreign, None)
    with pytest.raises(DecryptionFailed):
        column.process_result_value("+442079460111", None)


def test_json_keeps_its_shape_through_one_ciphertext_string(cipher):
    column = EncryptedJSON()
    address = {"name": "Ada Lovelace", "line1": "1 Analytical St", "country": "GB", "lines": [1, 2]}
    stored = column.process_bind_param(address, None)
    assert isinstance(stored, str) and "Lovelace" not in stored and json.dumps(stored)  # a JSON string in JSONB
    assert column.process_result_value(stored, None) == address
    with pytest.raises(DecryptionFailed):  # a row the migration did not rewrite is an error, not silent plain text
        column.process_result_value(address, None)
