"""Transport to a document-exchange hub: one interface, one class per provider.

`FolderHub` is a hub made of folders, for a single server, tests and demos: under
`EXCHANGE_HUB_DIR` (default `var/exchange`) each organisation identifier has `inbox/` (what
waits for it), `outbox/` (a copy of what it sent), `done/` and `failed/` (what it took in).

An HTTP hub (the national VDXP through an LGSP, a Party hub) is a module
`vcnet/documents/exchange/hub_<provider>.py` with a class of the same shape as `Hub` (send, list
waiting, acknowledge), registered in `HUB_PROVIDERS` and chosen with the `EXCHANGE_HUB` setting;
like Healthchecks' integrations, each provider is one small module and nothing else changes.
"""

from __future__ import annotations

import importlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.documents.exchange import ORGAN_ID_RE, ExchangeError

__all__ = ["HUB_PROVIDERS", "FolderHub", "Hub", "HubItem", "hub_get"]


@dataclass
class HubItem:
    """Something waiting for an organisation at the hub."""

    key: str  # the hub's own handle (a file name, a message id)
    organ_id: str  # the recipient
    data: bytes


class Hub(Protocol):
    """What a hub provider offers: send, list what waits, acknowledge."""

    name: str

    def send(self, *, sender: str, recipient: str, data: bytes, suffix: str = ".xml") -> str:
        """Hand `data` to the hub for `recipient`; returns the hub's handle of the message."""
        ...

    def waiting(self, organ_id: str) -> list[HubItem]:
        """What waits for `organ_id`, oldest first."""
        ...

    def done(self, item: HubItem, *, ok: bool, note: str = "") -> None:
        """Acknowledge an item: taken in (`ok`) or refused (with the reason)."""
        ...


def hub_dir() -> Path:
    """Where the folder hub lives (`EXCHANGE_HUB_DIR`, default `var/exchange`)."""
    configured = getattr(settings, "EXCHANGE_HUB_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "exchange"


def _checked(organ_id: str) -> str:
    # The identifier becomes a folder name: only the standard's shape is allowed.
    if not ORGAN_ID_RE.match(organ_id):
        raise ExchangeError(
            _("%(value)s is not an organisation identifier (like 000.00.00.H41).")
            % {"value": organ_id[:40]}
        )
    return organ_id


class FolderHub:
    """A hub made of folders (single server, tests, demo)."""

    name = "folder"

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or hub_dir()

    def folder(self, organ_id: str, box: str) -> Path:
        path = self.root / _checked(organ_id) / box
        path.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def _write(folder: Path, name: str, data: bytes) -> Path:
        # Write then rename, so a poller never reads half a file.
        target = folder / name
        temporary = folder / f".{name}.part"
        temporary.write_bytes(data)
        os.replace(temporary, target)
        return target

    def send(self, *, sender: str, recipient: str, data: bytes, suffix: str = ".xml") -> str:
        name = f"{timezone.now():%Y%m%d%H%M%S%f}-{_checked(sender)}-{uuid.uuid4().hex[:12]}{suffix}"
        self._write(self.folder(sender, "outbox"), name, data)
        self._write(self.folder(recipient, "inbox"), name, data)
        return name

    def waiting(self, organ_id: str) -> list[HubItem]:
        inbox = self.root / _checked(organ_id) / "inbox"
        if not inbox.is_dir():
            return []
        return [
            HubItem(key=path.name, organ_id=organ_id, data=path.read_bytes())
            for path in sorted(inbox.iterdir())
            if path.is_file() and not path.name.startswith(".")
        ]

    def done(self, item: HubItem, *, ok: bool, note: str = "") -> None:
        source = self.root / _checked(item.organ_id) / "inbox" / item.key
        target = self.folder(item.organ_id, "done" if ok else "failed")
        if source.exists():
            os.replace(source, target / item.key)
        if note:
            (target / f"{item.key}.txt").write_text(note, encoding="utf-8")


# provider name -> "module:Class"; the class takes no arguments.
HUB_PROVIDERS: dict[str, str] = {"folder": "vcnet.documents.exchange.hub:FolderHub"}


def hub_get(name: str | None = None) -> Hub:
    """The configured hub (`EXCHANGE_HUB`, default the folder hub)."""
    name = name or getattr(settings, "EXCHANGE_HUB", "folder") or "folder"
    target = HUB_PROVIDERS.get(name)
    if target is None:
        raise ExchangeError(_("Unknown exchange hub: %(name)s.") % {"name": name})
    module, _sep, cls = target.partition(":")
    hub: Hub = getattr(importlib.import_module(module), cls)()
    return hub
