"""Vietnamese text helpers: normalisation and diacritic folding for search."""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    """NFC-normalise text, so composed and decomposed input compare equal."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ/Đ to d: `fold("Đường lối") == "duong loi"`."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_D_MAP).lower()).strip()


def words(text: str) -> list[str]:
    """The word tokens of a text, in order (Unicode-aware, punctuation dropped)."""
    return _WORD.findall(text)
