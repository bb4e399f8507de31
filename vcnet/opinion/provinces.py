"""The 34 provinces and centrally-run cities of Vietnam (from 1 July 2025) and finding them in text.

`data/provinces.json` lists each province with its other spellings and the former provinces
merged into it (Quảng Nam is now part of Đà Nẵng, Bình Dương of TP. Hồ Chí Minh, ...): people and
newspapers keep writing the old names, and they are counted for the province that absorbed them.

Matching is whole-word and ignores diacritics only where the text itself has none ("Da Nang" is
Đà Nẵng, but "đa năng" is not); the few names that are also ordinary words ("Hòa Bình" and "hòa
bình", "Huế" and "huệ") are listed as strict and only count written exactly so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from vcnet.core.text import fold, nfc

if TYPE_CHECKING:
    from vcnet.accounts.models import Unit

DATA = Path(__file__).parent / "data" / "provinces.json"
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Mention:
    """A province named in a text: where, how it was written, and which province it counts for."""

    start: int  # character offsets in the text
    end: int
    province: str  # canonical name of today's province
    name: str  # the official name mentioned (a former province's own name when it is one)


@dataclass(frozen=True)
class _Alias:
    words: tuple[str, ...]  # as written in the data file
    folded: tuple[str, ...]
    province: str  # "" for a blocked phrase
    name: str
    strict: bool


def _signature(word: str) -> tuple[str, str, int]:
    """A word's letters, diacritics and đ, so "hoà" and "hòa" (old and new tone placement) agree."""
    lower = word.lower()
    marks = "".join(
        sorted(ch for ch in unicodedata.normalize("NFD", lower) if unicodedata.combining(ch))
    )
    return fold(lower), marks, lower.count("đ")


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


@dataclass(frozen=True)
class _Gazetteer:
    names: tuple[str, ...]
    by_first: dict[str, list[_Alias]]  # first folded word -> aliases, longest first
    by_key: dict[str, str]  # folded words joined by a space -> canonical name


@cache
def _gazetteer() -> _Gazetteer:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    aliases: list[_Alias] = []
    by_key: dict[str, str] = {}
    names: list[str] = []
    for entry in data["provinces"]:
        canonical_name: str = entry["name"]
        names.append(canonical_name)
        strict = set(entry.get("strict", []))
        spellings = [(canonical_name, canonical_name)]
        spellings += [(alias, canonical_name) for alias in entry.get("aliases", [])]
        spellings += [(former, former) for former in entry.get("former", [])]
        for spelling, shown in spellings:
            words = tuple(_TOKEN.findall(nfc(spelling)))
            folded = tuple(_fold_word(w) for w in words)
            aliases.append(_Alias(words, folded, canonical_name, shown, spelling in strict))
            by_key.setdefault(" ".join(folded), canonical_name)
    for phrase in data.get("blocked", []):
        words = tuple(_TOKEN.findall(nfc(phrase)))
        aliases.append(_Alias(words, tuple(_fold_word(w) for w in words), "", "", False))
    by_first: dict[str, list[_Alias]] = {}
    for alias in aliases:
        by_first.setdefault(alias.folded[0], []).append(alias)
    for candidates in by_first.values():
        # Longest first, so "Thái Bình Dương" (blocked) wins over "Thái Bình".
        candidates.sort(key=lambda a: -len(a.words))
    return _Gazetteer(tuple(names), by_first, by_key)


def _matches(alias: _Alias, written: list[str], plain_text: bool) -> bool:
    """Whether the words of the text (already equal to the alias once folded) name the province."""
    pairs = list(zip(written, alias.words, strict=True))
    capitalised = all(w[0].isupper() for w in written)
    if all(w.isascii() for w in written) and not all(a.isascii() for a in alias.words):
        # Typed without diacritics ("Da Nang"): trusted when capitalised or when the whole text
        # has none; in a text with diacritics "hai phong" is not Hải Phòng.
        return capitalised or (plain_text and not alias.strict)
    if alias.strict:
        return all(
            w == a.upper() or (_signature(w) == _signature(a) and w[0] == a[0]) for w, a in pairs
        )
    return all(_signature(w) == _signature(a) for w, a in pairs)


def mentions(text: str) -> Iterator[Mention]:
    """Every province named in `text`, in order (whole words, longest name first)."""
    gazetteer = _gazetteer()
    tokens = list(_TOKEN.finditer(nfc(text)))
    folded = [_fold_word(t.group()) for t in tokens]
    # A text typed without diacritics; in one with them, "hai phong" is not Hải Phòng.
    plain_text = sum(t.group().isascii() for t in tokens) >= 0.9 * len(tokens)
    i = 0
    while i < len(tokens):
        step = 1
        for alias in gazetteer.by_first.get(folded[i], ()):
            n = len(alias.words)
            if tuple(folded[i : i + n]) != alias.folded:
                continue
            if not _matches(alias, [t.group() for t in tokens[i : i + n]], plain_text):
                continue
            if alias.province:
                yield Mention(
                    tokens[i].start(), tokens[i + n - 1].end(), alias.province, alias.name
                )
            step = n
            break
        i += step


def detect(text: str) -> str:
    """The province `text` is most about (most mentions, then the earliest), or ""."""
    return most_mentioned(mentions(text))


def most_mentioned(found: Iterable[Mention]) -> str:
    """The province mentioned most often (then the earliest) among `found`, or ""."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for mention in found:
        counts[mention.province] = counts.get(mention.province, 0) + 1
        first.setdefault(mention.province, mention.start)
    if not counts:
        return ""
    return min(counts, key=lambda p: (-counts[p], first[p]))


def canonical(name: str) -> str:
    """Today's canonical name for a province name, alias or former province (any diacritics), or ""."""
    key = " ".join(_fold_word(w) for w in _TOKEN.findall(nfc(name)))
    return _gazetteer().by_key.get(key, "")


def province_of_unit(unit: Unit) -> str:
    """The province a unit belongs to, read from its own name and then its ancestors' (or "")."""
    current: Unit | None = unit
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        found = detect(current.name)
        if found:
            return found
        current = current.parent
    return ""


PROVINCES: tuple[str, ...] = _gazetteer().names
