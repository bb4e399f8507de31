"""The Vietnamese catalogue is complete, compiled, and covers every string in the code."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "vcnet" / "locale"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
VI_MO = LOCALE / "vi" / "LC_MESSAGES" / "django.mo"


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def test_every_vietnamese_entry_is_translated() -> None:
    catalogue = polib.pofile(str(VI_PO))
    missing = [
        e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)
    ]
    assert not missing, f"untranslated or fuzzy in {VI_PO.name}: {missing[:10]}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    catalogue = polib.pofile(str(VI_PO))
    with VI_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e.msgid
        for e in catalogue
        if e.translated() and not e.msgid_plural and compiled._catalog.get(_key(e)) != e.msgstr  # type: ignore[attr-defined]
    ]
    assert not stale, f"django.mo is stale, run `make messages`: {stale[:10]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="xgettext (Debian package gettext) is not installed"
)
def test_catalogue_covers_every_string_in_the_code(tmp_path: Path) -> None:
    work = tmp_path / "vcnet"
    shutil.copytree(
        ROOT / "vcnet", work, ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.mo")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "vi",
            "--no-location",
            "--no-obsolete",
            "-i",
            "static/vendor/*",
        ],
        cwd=work,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "vcnet.settings",
            "PYTHONPATH": str(ROOT),
            "PATH": "/usr/bin:/bin",
            "VCNET_VAR_DIR": str(tmp_path / "var"),
        },
    )
    fresh = {
        _key(e)
        for e in polib.pofile(str(work / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
        if not e.obsolete
    }
    known = {_key(e) for e in polib.pofile(str(VI_PO)) if not e.obsolete}
    assert not fresh - known, (
        f"strings missing from the catalogue, run `make messages`: {sorted(fresh - known)[:10]}"
    )
