"""Counting failed sign-ins per login and per client address, in the cache.

After `settings.LOGIN_FAILURE_LIMIT` failures for one login, or from one address, within
`settings.LOGIN_FAILURE_WINDOW` seconds, further attempts are refused until the window that
began with the first failure has passed. The window is fixed (not sliding): a counter and the
time of its first failure expire together, so Redis or local memory both work and the wait
shown to the person is exact.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

from vcnet.accounts.identifiers import looks_like_email, normalize_email, normalize_phone

_PREFIX = "login-failures"


def login_key(login: str) -> str:
    """One form of a login, so "0912 345 678" and "+84912345678" share a counter."""
    if looks_like_email(login):
        return normalize_email(login)
    return normalize_phone(login) or login.strip().lower()


def _keys(kind: str, value: str) -> tuple[str, str]:
    # Hashed, so that what people type never becomes a cache key verbatim.
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{_PREFIX}:{kind}:{digest}:count", f"{_PREFIX}:{kind}:{digest}:since"


def _subjects(login: str, ip: str | None) -> list[tuple[str, str]]:
    subjects = [("login", login_key(login))] if login.strip() else []
    if ip:
        subjects.append(("ip", ip))
    return subjects


def _wait_for(kind: str, value: str, now: float) -> int:
    count_key, since_key = _keys(kind, value)
    values = cache.get_many([count_key, since_key])
    if int(values.get(count_key) or 0) < settings.LOGIN_FAILURE_LIMIT:
        return 0
    since = float(values.get(since_key) or now)
    return max(1, math.ceil(since + settings.LOGIN_FAILURE_WINDOW - now))


def seconds_blocked(*, login: str, ip: str | None) -> int:
    """How many seconds attempts for `login` or from `ip` stay refused (0: not refused)."""
    now = time.time()
    return max((_wait_for(kind, value, now) for kind, value in _subjects(login, ip)), default=0)


def minutes_blocked(seconds: int) -> int:
    """A wait in whole minutes, rounded up, as shown to people."""
    return max(1, math.ceil(seconds / 60))


def failure_record(*, login: str, ip: str | None) -> None:
    """Count one failed sign-in against the login and the address."""
    window = settings.LOGIN_FAILURE_WINDOW
    for kind, value in _subjects(login, ip):
        count_key, since_key = _keys(kind, value)
        # add() only writes when the window is not open yet, so the first failure stays the start.
        cache.add(since_key, time.time(), timeout=window)
        cache.add(count_key, 0, timeout=window)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add() and incr()
            cache.set(count_key, 1, timeout=window)


def failures_clear(*, login: str) -> None:
    """Forget the failures of `login` after a successful sign-in (the address keeps its count)."""
    if login.strip():
        cache.delete_many(list(_keys("login", login_key(login))))


def refusal_first_in_minute(*, login: str, ip: str | None) -> bool:
    """True for the first refused attempt of a login from an address in each minute."""
    digest = hashlib.sha256(f"{login_key(login)}\n{ip or ''}".encode()).hexdigest()
    return bool(cache.add(f"{_PREFIX}:refused:{digest}", 1, timeout=60))
