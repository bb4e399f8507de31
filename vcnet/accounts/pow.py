"""A small proof of work for the sign-up form: cheap for one person, costly for a bot farm.

The server issues a signed, timestamped challenge; the browser (accounts/pow.js) finds a
nonce such that SHA-256("<challenge>:<nonce>") starts with `SIGNUP_POW_BITS` zero bits;
the server checks the signature, the age, the bits, and that the challenge is used once.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

_SALT = "vcnet.accounts.signup-pow"
MAX_AGE = 3600


def challenge_issue() -> str:
    """A fresh challenge carrying its difficulty."""
    return signing.dumps({"r": secrets.token_hex(12), "b": settings.SIGNUP_POW_BITS}, salt=_SALT)


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits `digest` starts with."""
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str) -> str:
    """Find a nonce for `challenge` (what pow.js does; used by tests and scripted clients)."""
    bits = signing.loads(challenge, salt=_SALT)["b"]
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


def solution_check(challenge: str, nonce: str, *, consume: bool) -> bool:
    """Whether `nonce` solves `challenge` (fresh, signed by us, not used before)."""
    if not challenge or not nonce or len(nonce) > 20 or not nonce.isdigit():
        return False
    try:
        payload = signing.loads(challenge, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < int(payload.get("b", 0)):
        return False
    if not consume:
        return True
    key = "signup-pow:" + hashlib.sha256(challenge.encode()).hexdigest()
    return bool(cache.add(key, 1, timeout=MAX_AGE))
