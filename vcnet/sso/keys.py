"""The provider's RS256 signing keys: one active key, older ones published until their tokens expire.

Where the active key comes from, in order:
1. `OIDC_RSA_PRIVATE_KEY` (PEM text) or `OIDC_RSA_PRIVATE_KEY_FILE` (a path) in the environment;
2. the newest `*.pem` file in `settings.OIDC_KEY_DIR` (`VAR_DIR/oidc/`), generated there (mode 0600)
   on first use.

Keys in the directory are named by their creation time (UTC), so the newest one is the active
one and each older key was retired when the next one was made. `vcnet oidc rotate-key` adds a
new key; a retired key stays in the JWKS for `OIDC_KEY_RETENTION_SECONDS` (the ID token
lifetime) and is then left out of the JWKS and deleted by `vcnet oidc prune-keys` (which
rotation also runs). This module is imported by the settings, so it touches neither the
database nor the disk at import time.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jwcrypto import jwk

_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class SigningKey:
    """One RSA private key, its key id (RFC 7638 thumbprint) and when it stopped being active."""

    pem: str
    kid: str
    created: dt.datetime | None
    retired: dt.datetime | None
    path: Path | None


@lru_cache(maxsize=32)
def jwk_from_pem(pem: str) -> jwk.JWK:
    """The jwcrypto key for a PEM text (parsing RSA keys is slow, so it is cached)."""
    return jwk.JWK.from_pem(pem.encode("utf-8"))


def _settings() -> Any:
    from django.conf import settings

    return settings


def key_dir() -> Path:
    return Path(_settings().OIDC_KEY_DIR)


def retention() -> dt.timedelta:
    return dt.timedelta(seconds=int(_settings().OIDC_KEY_RETENTION_SECONDS))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp_of(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(path.stem, _STAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


_cache: dict[str, Any] = {}


def _dir_keys() -> list[SigningKey]:
    """Keys in the directory, newest (active) first; cached until the directory changes."""
    directory = key_dir()
    try:
        mtime = directory.stat().st_mtime_ns
    except FileNotFoundError:
        return []
    token = (str(directory), mtime)
    if _cache.get("token") == token:
        return list(_cache["keys"])
    paths = sorted(
        (p for p in directory.glob("*.pem") if _stamp_of(p) is not None), key=lambda p: p.stem
    )
    keys: list[SigningKey] = []
    retired: dt.datetime | None = None
    for path in reversed(paths):
        pem = path.read_text(encoding="utf-8")
        created = _stamp_of(path)
        keys.append(SigningKey(pem, jwk_from_pem(pem).thumbprint(), created, retired, path))
        retired = created
    _cache.update(token=token, keys=keys)
    return list(keys)


def _env_key() -> SigningKey | None:
    pem = _settings().OIDC_RSA_PRIVATE_KEY_FROM_ENV
    if not pem:
        return None
    return SigningKey(pem, jwk_from_pem(pem).thumbprint(), None, None, None)


def _generate_pem() -> str:
    key = jwk.JWK.generate(kty="RSA", size=2048)
    return key.export_to_pem(private_key=True, password=None).decode("ascii")


def _write_key(directory: Path, pem: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{_now().strftime(_STAMP)}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(pem)
    return path


class _Lock:
    """An exclusive lock on the key directory, so two processes never both make the first key."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.fd = os.open(directory / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)

    def __enter__(self) -> _Lock:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def active_key() -> SigningKey:
    """The key that signs new tokens (made on first use when none is configured)."""
    if (env_key := _env_key()) is not None:
        return env_key
    keys = _dir_keys()
    if keys:
        return keys[0]
    directory = key_dir()
    with _Lock(directory):
        keys = _dir_keys()
        if not keys:
            _write_key(directory, _generate_pem())
            keys = _dir_keys()
    return keys[0]


def active_private_key_pem() -> str:
    """The active key as PEM (DOT's `OIDC_RSA_PRIVATE_KEY`, evaluated lazily)."""
    return active_key().pem


def _still_published(key: SigningKey, now: dt.datetime) -> bool:
    return key.retired is None or key.retired + retention() > now


def published_keys() -> list[SigningKey]:
    """The active key and the retired keys whose tokens may still be unexpired."""
    now = _now()
    active = active_key()
    return [active, *(k for k in _dir_keys() if k.kid != active.kid and _still_published(k, now))]


def inactive_private_key_pems() -> list[str]:
    """Retired keys still published (DOT's `OIDC_RSA_PRIVATE_KEYS_INACTIVE`)."""
    return [key.pem for key in published_keys()[1:]]


def key_for_kid(kid: str | None) -> jwk.JWK | None:
    """The published key with this key id (None when unknown or retired too long ago)."""
    for key in published_keys():
        if kid is None or key.kid == kid:
            return jwk_from_pem(key.pem)
    return None


def jwks() -> dict[str, list[dict[str, Any]]]:
    """The public JSON Web Key Set."""
    entries = []
    for key in published_keys():
        public = json.loads(jwk_from_pem(key.pem).export_public())
        entries.append({"alg": "RS256", "use": "sig", "kid": key.kid, **public})
    return {"keys": entries}


class KeyFromEnvironment(Exception):
    """The active key comes from the environment; rotate it there."""


def rotate() -> SigningKey:
    """Make a new active key; the old one stays published until its tokens expire."""
    if _env_key() is not None:
        raise KeyFromEnvironment(
            "The signing key comes from OIDC_RSA_PRIVATE_KEY(_FILE); replace it there."
        )
    directory = key_dir()
    active_key()  # the first key, if there was none, so that rotation always retires one
    with _Lock(directory):
        _write_key(directory, _generate_pem())
    _cache.clear()
    prune()
    return active_key()


def prune() -> list[SigningKey]:
    """Delete retired keys whose tokens have all expired; returns the deleted keys."""
    now = _now()
    removed = []
    for key in _dir_keys()[1:]:
        if not _still_published(key, now) and key.path is not None:
            key.path.unlink(missing_ok=True)
            removed.append(key)
    if removed:
        _cache.clear()
    return removed
