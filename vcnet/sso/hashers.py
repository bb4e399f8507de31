"""A fast hasher for OAuth client secrets (128 random characters, not passwords people choose)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop


class ClientSecretHasher(BasePasswordHasher):
    """Salted SHA-256 for long random client secrets: brute force is hopeless, so no stretching.

    Listed after Django's default hasher in PASSWORD_HASHERS, so people's passwords keep the
    strong (slow) default; DOT uses this one through `CLIENT_SECRET_HASHER`.
    """

    algorithm = "client_sha256"

    def salt(self) -> str:
        return secrets.token_hex(8)

    def encode(self, password: str, salt: str) -> str:
        if password is None or not salt or "$" in salt:
            raise ValueError("A password and a salt without '$' are needed.")
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm  # noqa: S101 - Django's hashers do the same
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(self.encode(password, decoded["salt"]), encoded)

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {
            gettext_noop("algorithm"): decoded["algorithm"],
            gettext_noop("salt"): mask_hash(decoded["salt"], show=2),
            gettext_noop("hash"): mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
