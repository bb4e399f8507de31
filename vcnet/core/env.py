"""Typed readers for settings that come from the environment.

Each reader fails with an `EnvError` naming the variable and what was wrong, so a bad
value stops the program with one clear line instead of a traceback deep in Django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    """A setting read from the environment has a value that cannot be used."""


class Env:
    """Reads typed values from a mapping (the process environment by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def string(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None or value == "" else value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise EnvError(
            f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
        )

    def integer(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise EnvError(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise EnvError(f"{name}={number} is below the minimum of {minimum}.")
        return number

    def strings(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.raw(name)
        if value is None or value == "":
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: str, *, schemes: set[str]) -> str | None:
        """A URL whose scheme is one of `schemes`, or None when unset."""
        value = self.raw(name)
        if not value:
            return None
        parts = urlsplit(value)
        shown = _redact(value)
        if parts.scheme not in schemes:
            allowed = ", ".join(sorted(schemes))
            raise EnvError(f"{name} must be a URL starting with one of: {allowed} (got {shown!r}).")
        try:
            parts.port  # noqa: B018 - parsing the port validates it
        except ValueError:
            raise EnvError(
                f"{name} has a port that is not a number from 0 to 65535 ({shown!r})."
            ) from None
        return value

    def secret(self, name: str, *, generate_into: Path | None = None) -> str:
        """A secret from NAME, from the file named by NAME_FILE, or generated once into a file."""
        value = self.raw(name)
        if value:
            return value
        file_name = self.raw(f"{name}_FILE")
        if file_name:
            try:
                content = Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise EnvError(
                    f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}."
                ) from None
            if not content:
                raise EnvError(f"{name}_FILE={file_name!r} is empty.")
            return content
        if generate_into is None:
            raise EnvError(f"{name} or {name}_FILE must be set.")
        return _read_or_create_secret(generate_into)


def _redact(url: str) -> str:
    """The URL with any password replaced by ***, safe to show in an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.partition(":")[0]
    return parts._replace(netloc=f"{name}:***@{host}").geturl()


def _read_or_create_secret(path: Path) -> str:
    import secrets

    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
