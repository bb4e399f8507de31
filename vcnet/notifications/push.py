"""Web Push with VAPID: the server's key pair and sending one encrypted message to a browser.

The private key comes from the PEM file named by $VAPID_PRIVATE_KEY_FILE, or is generated once
into var/vapid_private.pem (mode 0600), like the other generated secrets.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from vcnet.notifications.models import PushSubscription

log = logging.getLogger(__name__)
PUSH_TTL = 24 * 60 * 60  # seconds a push service keeps a message for an offline browser


def _key_path() -> Path:
    named = os.environ.get("VAPID_PRIVATE_KEY_FILE")
    if named:
        return Path(named)
    return Path(settings.VAR_DIR) / "vapid_private.pem"


@cache
def vapid_key() -> Vapid:
    """The server's VAPID key, generated into var/ on first use when no file is configured."""
    path = _key_path()
    if not path.exists():
        if os.environ.get("VAPID_PRIVATE_KEY_FILE"):
            raise RuntimeError(f"VAPID_PRIVATE_KEY_FILE={str(path)!r} does not exist.")
        key = Vapid()
        key.generate_keys()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.private_pem())
        try:
            os.link(temporary, path)  # atomic: a concurrent first use keeps the other key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return Vapid.from_file(str(path))


def vapid_public_key() -> str:
    """The application server key for `pushManager.subscribe` (base64url, uncompressed point)."""
    raw = vapid_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def push_send(subscription: PushSubscription, payload: dict[str, object]) -> bool:
    """Send one message; forgets the subscription when the push service says it is gone."""
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    email = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">") or "admin@localhost"
    try:
        webpush(
            info,
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid_key(),
            vapid_claims={"sub": f"mailto:{email}"},
            ttl=PUSH_TTL,
            timeout=10,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            subscription.delete()
        else:
            log.warning("Web Push to %s failed: %s", subscription.endpoint[:60], exc)
        return False
    except OSError as exc:  # the push service cannot be reached
        log.warning("Web Push to %s failed: %s", subscription.endpoint[:60], exc)
        return False
    return True
