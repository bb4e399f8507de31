"""Fixtures of the notifications tests: a VAPID key of their own, never the one in var/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from py_vapid import Vapid

from vcnet.notifications import push


@pytest.fixture(autouse=True)
def _vapid_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    key = Vapid()
    key.generate_keys()
    path = tmp_path / "vapid.pem"
    path.write_bytes(key.private_pem())
    monkeypatch.setenv("VAPID_PRIVATE_KEY_FILE", str(path))
    push.vapid_key.cache_clear()
    yield path
    push.vapid_key.cache_clear()
