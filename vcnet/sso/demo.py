"""Demo data of single sign-on: the example relying party (examples/meeting_rooms) is registered.

Called by `vcnet seed --demo` (through `vcnet.accounts.demo.demo_extensions_load`). The client
secret is generated once and written, readable by its owner only, to
`EXAMPLES_DIR/meeting_rooms.env` (default `var/examples/`), which the example reads; VCNET itself keeps only its hash.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.models import get_application_model

from vcnet.accounts.demo import Writer
from vcnet.core.env import Env
from vcnet.sso.services import app_register

CLIENT_ID = "meeting-rooms"
APP_NAME = "Đặt phòng họp"


def example_base_url() -> str:
    """Where the example listens (MEETING_ROOMS_HOST/PORT, as `vcnet serve --example` starts it)."""
    env = Env()
    host = env.string("MEETING_ROOMS_HOST", "127.0.0.1")
    return f"http://{host}:{env.integer('MEETING_ROOMS_PORT', 8001, minimum=1)}"


def example_env_file() -> Path:
    return Path(settings.EXAMPLES_DIR) / "meeting_rooms.env"


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600 (replacing any older file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    partial.replace(path)


def load_demo(stdout: Writer) -> None:
    """Register the example application once and write its secret for it; later runs only report."""
    base = example_base_url()
    env_file = example_env_file()
    if get_application_model().objects.filter(client_id=CLIENT_ID).exists():
        if env_file.exists():
            stdout.write(
                _("Example application %(name)s: already registered; it serves %(url)s.")
                % {"name": APP_NAME, "url": f"{base}/"}
                + "\n"
            )
        else:
            stdout.write(
                _(
                    "Example application %(name)s is registered but its secret file %(file)s is "
                    "missing: delete the application in the administration and seed again."
                )
                % {"name": APP_NAME, "file": env_file}
                + "\n"
            )
        return
    secret = secrets.token_urlsafe(96)  # 128 characters
    with transaction.atomic():
        app_register(
            actor=None,
            name=APP_NAME,
            client_id=CLIENT_ID,
            client_secret=secret,
            redirect_uris=[f"{base}/callback"],
            post_logout_redirect_uris=[f"{base}/"],
            launch_url=f"{base}/",
            backchannel_logout_uri=f"{base}/backchannel-logout",
            first_party=True,
            description="Ứng dụng mẫu: xem lịch và đặt phòng họp của cơ quan, đăng nhập một lần qua VCNET.",
            icon="app",
        )
        # Inside the transaction: if the file cannot be written, nothing is registered.
        _write_private(
            env_file,
            "# Written by `vcnet seed --demo` for examples/meeting_rooms; keep it private.\n"
            f"MEETING_ROOMS_ISSUER={settings.SITE_URL.rstrip('/')}\n"
            f"MEETING_ROOMS_CLIENT_ID={CLIENT_ID}\n"
            f"MEETING_ROOMS_CLIENT_SECRET={secret}\n",
        )
    stdout.write(
        _("Example application %(name)s registered; `make run` serves it at %(url)s.")
        % {"name": APP_NAME, "url": f"{base}/"}
        + "\n"
    )
