"""Private keys at rest: PKCS#8, encrypted under a password derived from the master key.

The stored text is one line naming how the password was derived, then the encrypted PKCS#8 PEM:

    VCNET-KEY v1 kdf=hkdf salt=<hex>            (a unit's seal, the platform CA: master key only)
    VCNET-KEY v1 kdf=scrypt salt=<hex>          (a person's key: master key and their PIN)
    -----BEGIN ENCRYPTED PRIVATE KEY-----
    ...

The salt is random per key, so a PIN cannot be guessed once for every key at the same time; scrypt
makes each guess slow even for someone who holds both the database and the master key. Neither
the PIN nor the derived password is logged or stored.
"""

from __future__ import annotations

import base64
import hmac
import os
import re
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vcnet.core.errors import DomainError
from vcnet.signing.errors import SigningError, WrongPin

__all__ = ["PIN_MIN_LENGTH", "key_decrypt", "key_encrypt", "key_generate", "pin_validate"]

PIN_MIN_LENGTH = 6
PIN_MAX_LENGTH = 64
# scrypt cost for a PIN (about 70 ms here): slow enough to make guessing costly, fast enough to
# unlock a key once per batch.
_SCRYPT_N = 2**14
# Wrong PINs tolerated per key before it is locked for a while (a 6-digit PIN would otherwise
# fall to guessing through any page that asks for it).
PIN_FAILURE_LIMIT = 5
PIN_LOCK_SECONDS = 15 * 60
_HEADER = re.compile(r"^VCNET-KEY v1 kdf=(hkdf|scrypt) salt=([0-9a-f]{32})\s*$")


def key_generate(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A new RSA key (2048 bits for people and seals, 3072 for the platform CA)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def pin_validate(pin: str) -> None:
    """Refuse a PIN that is too short, too long or one character repeated."""
    if not pin or len(pin) < PIN_MIN_LENGTH:
        raise DomainError(_("The PIN must have at least 6 characters."), code="weak_pin")
    if len(pin) > PIN_MAX_LENGTH:
        raise DomainError(_("The PIN must have at most 64 characters."), code="weak_pin")
    if len(set(pin)) == 1:
        raise DomainError(
            _("The PIN is too easy to guess: do not repeat one character."), code="weak_pin"
        )


def _master() -> bytes:
    master = settings.SIGNING_MASTER_KEY
    if not master:
        raise SigningError(_("SIGNING_MASTER_KEY is not set: the server cannot use its keys."))
    return str(master).encode()


def _password(kdf: str, salt: bytes, pin: str | None) -> bytes:
    # The master key (high entropy) goes through HKDF; with a PIN, scrypt over the PIN keyed by
    # that HKDF output, so both are needed and the PIN is slow to guess.
    base = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"vcnet-signing-key-v1"
    ).derive(_master())
    if kdf == "scrypt":
        if pin is None:
            raise WrongPin(_("This key is protected by a PIN: enter your signing PIN."))
        derived = Scrypt(salt=base, length=32, n=_SCRYPT_N, r=8, p=1).derive(pin.encode())
    else:
        derived = base
    return base64.b64encode(derived)


def key_encrypt(key: PrivateKeyTypes, *, pin: str | None = None) -> str:
    """The key as encrypted PKCS#8 PEM under the master key (and the PIN when given)."""
    kdf = "scrypt" if pin is not None else "hkdf"
    salt = os.urandom(16)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_password(kdf, salt, pin)),
    )
    return f"VCNET-KEY v1 kdf={kdf} salt={salt.hex()}\n{pem.decode('ascii')}"


def key_is_pin_protected(stored: str) -> bool:
    """Whether unlocking this stored key needs the owner's PIN."""
    return stored.startswith("VCNET-KEY v1 kdf=scrypt")


def key_decrypt(stored: str, *, pin: str | None = None) -> Any:
    """The key object from `key_encrypt`'s text; WrongPin when the PIN (or master key) is wrong."""
    header, _sep, pem = stored.partition("\n")
    match = _HEADER.match(header)
    if match is None or "BEGIN ENCRYPTED PRIVATE KEY" not in pem:
        raise SigningError(_("The stored key is not in a format VCNET can read."))
    kdf, salt_hex = match.groups()
    if kdf == "hkdf" and pin is not None and pin != "":
        # A PIN given for a key that has none is ignored rather than refused: the key is the
        # unit's (or the platform's), unlocked by the master key alone.
        pin = None
    lock_key = f"signing:pin-failures:{salt_hex}"
    if kdf == "scrypt" and (cache.get(lock_key) or 0) >= PIN_FAILURE_LIMIT:
        raise WrongPin(
            _("Too many wrong PINs: this key is locked for 15 minutes."), code="pin_locked"
        )
    password = _password(kdf, bytes.fromhex(salt_hex), pin)
    try:
        # The keys were validated when generated or imported; re-validating an RSA key on each
        # unlock costs ~200 ms for nothing.
        key = serialization.load_pem_private_key(
            pem.encode("ascii"), password=password, unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError):
        if kdf == "scrypt":
            try:
                failures = cache.incr(lock_key)
            except ValueError:
                cache.set(lock_key, 1, PIN_LOCK_SECONDS)
                failures = 1
            left = PIN_FAILURE_LIMIT - failures
            if left <= 0:
                raise WrongPin(
                    _("Too many wrong PINs: this key is locked for 15 minutes."),
                    code="pin_locked",
                ) from None
            if left > 2:
                raise WrongPin(_("The PIN is wrong.")) from None
            raise WrongPin(
                ngettext(
                    "The PIN is wrong: %(left)d more wrong attempt locks the key.",
                    "The PIN is wrong: %(left)d more wrong attempts lock the key.",
                    left,
                )
                % {"left": left}
            ) from None
        raise WrongPin(
            _("The key cannot be unlocked: the server's master key (SIGNING_MASTER_KEY) differs.")
        ) from None
    if kdf == "scrypt":
        cache.delete(lock_key)
    return key


def secrets_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets (PIN confirmation)."""
    return hmac.compare_digest(a.encode(), b.encode())
