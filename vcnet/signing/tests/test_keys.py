"""Keys at rest: encrypted PKCS#8 under the master key and the PIN."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.utils import translation

from vcnet.core.errors import DomainError
from vcnet.signing import keys
from vcnet.signing.errors import SigningError, WrongPin


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages are compared in English (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def key() -> Any:
    return keys.key_generate()


def _numbers(k: Any) -> Any:
    return k.private_numbers()


def test_master_key_round_trip(key: Any) -> None:
    stored = keys.key_encrypt(key)
    assert "BEGIN ENCRYPTED PRIVATE KEY" in stored
    assert "BEGIN PRIVATE KEY" not in stored
    assert not keys.key_is_pin_protected(stored)
    assert _numbers(keys.key_decrypt(stored)) == _numbers(key)


def test_pin_round_trip_and_wrong_pin(key: Any) -> None:
    stored = keys.key_encrypt(key, pin="246810")
    assert keys.key_is_pin_protected(stored)
    assert _numbers(keys.key_decrypt(stored, pin="246810")) == _numbers(key)
    with pytest.raises(WrongPin, match="PIN is wrong"):
        keys.key_decrypt(stored, pin="246811")
    with pytest.raises(WrongPin):
        keys.key_decrypt(stored)


def test_each_encryption_has_its_own_salt(key: Any) -> None:
    assert keys.key_encrypt(key, pin="246810") != keys.key_encrypt(key, pin="246810")


def test_the_pem_alone_cannot_be_opened_without_the_derived_password(key: Any) -> None:
    stored = keys.key_encrypt(key)
    pem = stored.partition("\n")[2].encode()
    for password in (None, b"", b"test-signing-master-key"):
        with pytest.raises((TypeError, ValueError)):
            serialization.load_pem_private_key(pem, password=password)


def test_another_master_key_cannot_decrypt(key: Any, settings: Any) -> None:
    seal = keys.key_encrypt(key)
    personal = keys.key_encrypt(key, pin="246810")
    settings.SIGNING_MASTER_KEY = "another-master-key"
    with pytest.raises(WrongPin, match="master key"):
        keys.key_decrypt(seal)
    with pytest.raises(WrongPin):
        keys.key_decrypt(personal, pin="246810")


def test_garbage_is_refused(key: Any) -> None:
    with pytest.raises(SigningError):
        keys.key_decrypt("not a key")
    stored = keys.key_encrypt(key)
    _header, _sep, pem = stored.partition("\n")
    with pytest.raises(SigningError):
        keys.key_decrypt(pem)  # no header


@pytest.mark.parametrize("pin", ["", "12345", "000000", "a" * 65])
def test_weak_pins_are_refused(pin: str) -> None:
    with pytest.raises(DomainError):
        keys.pin_validate(pin)


def test_good_pin_passes() -> None:
    keys.pin_validate("123456")
    keys.pin_validate("Mật khẩu ký số 2026")


def test_wrong_pins_lock_the_key_for_a_while(key: Any) -> None:
    stored = keys.key_encrypt(key, pin="246810")
    for message in ("PIN is wrong.", "PIN is wrong.", "2 more wrong", "1 more wrong"):
        with pytest.raises(WrongPin, match=message):
            keys.key_decrypt(stored, pin="000001")
    with pytest.raises(WrongPin, match="locked") as locked:
        keys.key_decrypt(stored, pin="000001")
    assert locked.value.code == "pin_locked"
    # Even the right PIN waits until the lock expires.
    with pytest.raises(WrongPin, match="locked"):
        keys.key_decrypt(stored, pin="246810")
    # Another key is not affected.
    other = keys.key_encrypt(key, pin="246810")
    keys.key_decrypt(other, pin="246810")


def test_a_right_pin_clears_earlier_mistakes(key: Any) -> None:
    stored = keys.key_encrypt(key, pin="246810")
    for _attempt in range(4):
        with pytest.raises(WrongPin):
            keys.key_decrypt(stored, pin="000001")
    keys.key_decrypt(stored, pin="246810")
    with pytest.raises(WrongPin, match=r"^The PIN is wrong\.$"):
        keys.key_decrypt(stored, pin="000001")
