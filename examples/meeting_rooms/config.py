"""Settings of the example, from the environment and from the file the VCNET demo seed writes."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent.parent


class ConfigError(ValueError):
    """A setting of the example cannot be used; the message names the variable."""


def var_dir(environ: Mapping[str, str]) -> Path:
    """VCNET's state folder (`VCNET_VAR_DIR`, default ./var), where the demo seed writes our file."""
    return Path(environ.get("VCNET_VAR_DIR") or REPO_DIR / "var")


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines (blank lines and # comments ignored); an absent file gives nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    values = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"{path}, line {number}: expected NAME=value.")
        values[name.strip()] = value.strip()
    return values


def _secret_key(environ: Mapping[str, str], folder: Path) -> str:
    if environ.get("MEETING_ROOMS_SECRET_KEY"):
        return environ["MEETING_ROOMS_SECRET_KEY"]
    path = folder / "meeting_rooms.secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    folder.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


@dataclass(frozen=True)
class Config:
    """Everything the example needs to know; see README.md for the variables."""

    issuer: str
    client_id: str
    client_secret: str
    port: int
    host: str
    base_url: str
    secret_key: str
    database: Path

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Read the process environment, falling back to VAR_DIR/examples/meeting_rooms.env."""
        environ = dict(os.environ if environ is None else environ)
        folder = var_dir(environ) / "examples"
        env_file = Path(environ.get("MEETING_ROOMS_ENV_FILE") or folder / "meeting_rooms.env")
        merged = {**read_env_file(env_file), **{k: v for k, v in environ.items() if v}}

        port_text = merged.get("MEETING_ROOMS_PORT", "8001")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"MEETING_ROOMS_PORT={port_text!r} is not a port number (1-65535).")
        port = int(port_text)
        host = merged.get("MEETING_ROOMS_HOST", "127.0.0.1")
        issuer = merged.get("MEETING_ROOMS_ISSUER", "http://127.0.0.1:8000").rstrip("/")
        if not issuer.startswith(("http://", "https://")):
            raise ConfigError(
                f"MEETING_ROOMS_ISSUER={issuer!r} must start with http:// or https://."
            )
        client_secret = merged.get("MEETING_ROOMS_CLIENT_SECRET", "")
        if not client_secret:
            raise ConfigError(
                "MEETING_ROOMS_CLIENT_SECRET is not set and "
                f"{env_file} does not exist: run `vcnet seed --demo` first."
            )
        return cls(
            issuer=issuer,
            client_id=merged.get("MEETING_ROOMS_CLIENT_ID", "meeting-rooms"),
            client_secret=client_secret,
            port=port,
            host=host,
            base_url=merged.get("MEETING_ROOMS_BASE_URL", f"http://{host}:{port}").rstrip("/"),
            secret_key=_secret_key(merged, folder),
            database=Path(merged.get("MEETING_ROOMS_DATABASE") or folder / "meeting_rooms.sqlite3"),
        )
