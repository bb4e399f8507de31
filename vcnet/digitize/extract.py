"""Register fields from the recognised text of a Vietnamese official document.

`fields_extract(text)` reads what the registry types in by hand (Decree 30/2020 Appendix VI
input data): issuing organisation, number and notation, place and date, document type, subject
(trích yếu), signer's position and name, recipients (Nơi nhận), urgency and confidentiality.
Each value comes with a confidence in 0..1: how sure the pattern match is, lower when a keyword
was only found with its diacritics lost, when digits were repaired (O→0, l/I→1), or when a
value was guessed from its place in the page rather than from a label.

The text is what OCR gives (OCRmyPDF + Tesseract `vie`, read back with pdftotext): the two
header columns (issuer | national motto or "ĐẢNG CỘNG SẢN VIỆT NAM") and the bottom columns
(Nơi nhận | signer) come interleaved line by line, sometimes merged into one line, with stray
spaces, broken diacritics and decorative rules read as "_" or "—". So every line is classified
on its own (folded: lower case, no diacritics, đ→d), and merged lines are cut at the motto, the
date or a signing prefix. Both the state layout (Decree 30: `Số: 15/QĐ-BNV`, KT./TM./TL.) and
the Party layout (HD 36: `Số 123-CV/BTGTW`, K/T, T/M, T/L) are read.

Beyond the contract's fields: `parent_organ` (the superior body above the issuer) and
`doc_type_abbreviation` ("QĐ", "CV"; "" for a state công văn); `recipients` is a list of Fields,
one per "- …" item. Only the first 150 and last 80 lines are read (header and signature), so a
500-page text costs what a short one does. Patterns and vocabularies: `extract_patterns`.
Accuracy on rendered scans: `bench/digitize/` and `bench/results/digitize.md`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from vcnet.digitize.extract_patterns import (
    _NAME_WORD,
    _SPLIT_SIGN,
    BODY_START,
    BULLET,
    CANONICAL_ABBR,
    CONTINUES,
    DATE_SLASH,
    DATE_WORDS,
    KINH_GUI,
    MOTTO_LINE,
    MOTTO_STATE,
    NUMBER,
    NUMBER_BARE,
    NUMBER_JOINED,
    ORGAN_STARTS,
    PARTY_ABBR,
    PARTY_HEAD,
    RIGHT_PHRASES,
    SECRECY,
    SIGN_PREFIX,
    STATE_ABBR,
    TITLE_WORDS,
    TITLES,
    TYPE_NAMES,
    URGENCY,
    VV,
    Line,
    _digits,
    _has_marks,
    _is_noi_nhan,
    _letters,
    _lines,
    _phrase_at,
    _split_joined,
    _upper_share,
    fold_keep,
)
from vcnet.documents.types_data import DOCUMENT_TYPES

__all__ = ["Extraction", "Field", "fields_extract"]


@dataclass
class Field:
    """One extracted value and how sure the match is (0: nothing found, 1: certain)."""

    value: str = ""
    confidence: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": round(self.confidence, 2)}


@dataclass
class Extraction:
    """The register fields read from a document; empty fields have confidence 0."""

    organ_name: Field = field(default_factory=Field)
    parent_organ: Field = field(default_factory=Field)
    code_number: Field = field(default_factory=Field)
    code_notation: Field = field(default_factory=Field)
    place: Field = field(default_factory=Field)
    issued_date: Field = field(default_factory=Field)  # ISO date
    doc_type: Field = field(default_factory=Field)  # the type's name, "Quyết định"
    doc_type_abbreviation: Field = field(default_factory=Field)  # "QĐ", "CV", "" for công văn
    subject: Field = field(default_factory=Field)
    signer_position: Field = field(default_factory=Field)
    signer_name: Field = field(default_factory=Field)
    recipients: list[Field] = field(default_factory=list)
    urgency: Field = field(default_factory=Field)
    confidentiality: Field = field(default_factory=Field)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: {name: {"value", "confidence"}}, recipients a list of those."""
        result: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if isinstance(value, list):
                result[name] = [item.as_dict() for item in value]
            else:
                result[name] = value.as_dict()
        return result


# ---------------------------------------------------------------------------------------------
# Field readers


def _type_of_title(line: Line) -> tuple[str, str, float] | None:
    """(name, abbreviation, confidence) when the line is a type title ("QUYẾT ĐỊNH")."""
    if _upper_share(line.text) < 0.8:
        return None
    letters = _letters(line.text)
    if not letters or len(letters) > 22:
        return None
    if letters in TYPE_NAMES:
        name, abbr = TYPE_NAMES[letters]
        exact = fold_keep(name) == letters and name.upper() == line.text.strip(" .:").upper()
        return name, abbr, 0.95 if exact else 0.85
    best, best_ratio = "", 0.0
    for folded in TYPE_NAMES:
        ratio = SequenceMatcher(None, letters, folded).ratio()
        if ratio > best_ratio:
            best, best_ratio = folded, ratio
    if best_ratio >= 0.86:
        name, abbr = TYPE_NAMES[best]
        return name, abbr, 0.7
    return None


def _mark_of(line: Line, *, whole: bool) -> tuple[str, str, float] | None:
    """("urgency"|"confidentiality", mark, confidence) for a mark line ("THƯỢNG KHẨN")."""
    letters = _letters(line.text)
    for kind, marks in (("urgency", URGENCY), ("confidentiality", SECRECY)):
        for folded, mark in marks:
            if letters.replace(" ", "") == folded.replace(" ", ""):  # also "HỎATỐC"
                sure = line.text.upper() == line.text and _has_marks(line.text)
                return kind, mark, 0.95 if sure else 0.8
            if not whole and _upper_share(line.text) > 0.9:
                found = re.search(rf"(?:^|\s){folded}(?:\s|$)", letters)
                if found:
                    return kind, mark, 0.6
    return None


def _date_in(line: Line) -> tuple[dt.date, int, int, float] | None:
    """(date, start, end, confidence) of a written date ("ngày 12 tháng 3 năm 2026", "ngày 12/3/2026")."""
    for pattern, sure in ((DATE_WORDS, 0.95), (DATE_SLASH, 0.85)):
        found = pattern.search(line.folded)
        if not found:
            continue
        parts = [_digits(g.replace(" ", "")) for g in found.groups()]
        try:
            day = dt.date(int(parts[2][0]), int(parts[1][0]), int(parts[0][0]))
        except ValueError:
            continue
        if not 1900 <= day.year <= 2100:
            continue
        confidence = sure - (0.15 if any(fixed for _, fixed in parts) else 0.0)
        original = line.text[found.start() : found.end()]
        if not re.search(r"ng[àa]y", original) or (
            "tháng" not in original and pattern is DATE_WORDS
        ):
            confidence -= 0.05  # keywords only recognisable without their diacritics
        return day, found.start(), found.end(), confidence
    return None


def _place_before(text: str) -> tuple[str, str]:
    """(what precedes the place, the place) in "…SỞ NỘI VỤ Hà Nội," — the place in Title Case."""
    text = text.rstrip(" ,.;:")
    words = text.split()
    place: list[str] = []
    while words and len(place) < 5:
        word = words[-1].strip("_-'`\"|*~")
        core = word.strip(".,;:")
        if not core:
            words.pop()
            continue
        titled = core[0].isupper() and (len(core) == 1 or not core[1:].isupper() or "." in word)
        if not titled:
            break
        words.pop()
        place.insert(0, word)
    return " ".join(words), " ".join(place).strip(" ,")


def _notation_clean(raw: str, sep: str) -> tuple[str, float]:
    """The notation as written, spaces dropped, type abbreviation restored ("QD" → "QĐ")."""
    notation = re.sub(r"\s+", "", raw).replace("\u2013", "-").replace("\u2014", "-").strip(".-/")
    penalty = 0.0
    groups = re.split(r"([/\-])", notation)
    # the type abbreviation: first group of a state notation, the group before "/" of a Party one
    for i, group in enumerate(groups):
        if group in {"/", "-"}:
            continue
        if re.fullmatch(r"\d{4}", group):
            continue  # the year of a legal normative document: 05/2026/TT-BTTTT
        canonical = CANONICAL_ABBR.get(fold_keep(group))
        if canonical and canonical != group and fold_keep(canonical) == fold_keep(group):
            groups[i] = canonical
            penalty = 0.1
        break
    cleaned = "".join(groups)
    if re.search(r"[a-zđ]{2,}", cleaned):  # whole words in lower case: not a notation
        penalty += 0.2
    return cleaned, penalty


@dataclass
class _State:
    lines: list[Line]
    result: Extraction
    title_at: int | None = None
    header_end: int = 0
    notes: dict[str, Any] = field(default_factory=dict)


def _find_title(state: _State) -> None:
    for line in state.lines[:40]:
        found = _type_of_title(line)
        if found:
            name, abbr, confidence = found
            line.kind = "title"
            state.title_at = line.index
            state.notes["title"] = (name, abbr, confidence)
            return


def _find_header_end(state: _State) -> None:
    """Index of the first line after the header (the title, "Kính gửi", or the body)."""
    if state.title_at is not None:
        state.header_end = state.title_at
        return
    for line in state.lines[:40]:
        if KINH_GUI.search(line.folded):
            state.header_end = line.index
            return
    # no title: the header ends at the first long mixed-case paragraph line after the date
    seen_date = False
    for line in state.lines[:40]:
        if _date_in(line):
            seen_date = True
            continue
        if (
            seen_date
            and len(line.text) > 60
            and _upper_share(line.text) < 0.5
            and not VV.search(line.folded)
        ):
            state.header_end = line.index
            return
    state.header_end = min(len(state.lines), 15)


def _read_number(state: _State) -> None:
    best: tuple[float, str, str] | None = None
    for line in state.lines:
        in_header = line.index < max(state.header_end, 1) + 1
        for pattern in (NUMBER, NUMBER_JOINED, NUMBER_BARE):
            found = pattern.search(line.folded)
            if not found:
                continue
            if pattern is NUMBER_BARE and not in_header:
                continue
            start = found.start("num")
            label = line.text[max(0, found.start()) : start]
            confidence = 0.95 if in_header else 0.5
            if pattern is NUMBER_BARE:
                confidence = 0.6
            elif pattern is NUMBER_JOINED:
                confidence = 0.6  # the slash was lost: "Số: 34GM-BTTTT"
            elif "Số" not in label:
                confidence -= 0.1 if re.search(r"S", label) else 0.3
            if not in_header and not line.text[:start].strip().startswith("S"):
                continue  # "… Nghị định số 30/2020/NĐ-CP" in the body
            number, fixed = _digits(line.text[start : found.end("num")])
            if fixed:
                confidence -= 0.15
            notation, penalty = _notation_clean(
                line.text[found.start("notation") : found.end("notation")], found.group("sep")
            )
            confidence -= penalty
            if not notation or not re.search(r"[A-ZĐ]", notation):
                continue
            if best is None or confidence > best[0]:
                best = (confidence, number, notation)
                state.notes["number_sep"] = found.group("sep")
                line.kind = line.kind or "number"
            break
        if best and best[0] >= 0.9:
            break
    if best:
        confidence, number, notation = best
        state.result.code_number = Field(number, max(confidence, 0.1))
        state.result.code_notation = Field(notation, max(confidence, 0.1))


def _read_date(state: _State) -> None:
    best: tuple[float, dt.date, str, Line] | None = None
    for line in state.lines:
        found = _date_in(line)
        if (
            not found
            and line.index <= state.header_end
            and re.search(r"ngay\W*\d{0,2}\W*$", line.folded)
        ):
            # "Hà Nội, ngày" / "15 tháng 02 năm 2026": the date line broken in two
            after = state.lines[line.index + 1] if line.index + 1 < len(state.lines) else None
            if after is not None:
                joined = f"{line.text} {after.text}"
                found = _date_in(Line(joined, fold_keep(joined), line.index))
                if found:
                    found = (found[0], found[1], found[2], found[3] - 0.1)
                    after.kind = "date"
        if not found:
            continue
        day, start, _end, confidence = found
        _before, place = _place_before(line.text[:start])
        if not place:
            confidence -= 0.2
        if line.index > state.header_end + 1:
            confidence -= 0.35
        if best is None or confidence > best[0]:
            best = (confidence, day, place, line)
    if best:
        confidence, day, place, line = best
        line.kind = "date"
        state.notes["date_line"] = line.index
        state.result.issued_date = Field(day.isoformat(), max(confidence, 0.1))
        if place:
            exact = _has_marks(place) or (place.isascii() and len(place) > 2)
            state.result.place = Field(place, max(confidence - (0 if exact else 0.2), 0.1))


def _right_column_at(line: Line) -> int | None:
    """Where the national motto or the Party heading starts in a header line, if it is there."""
    starts = []
    for pattern in (MOTTO_STATE, MOTTO_LINE, PARTY_HEAD):
        found = pattern.search(line.folded)
        if found:
            starts.append(found.start())
    if not starts and _upper_share(line.text) > 0.5:
        for phrase in RIGHT_PHRASES:
            at = _phrase_at(line.text, phrase)
            if at is not None:
                starts.append(at)
    return min(starts) if starts else None


def _cut_right_column(line: Line) -> str:
    """The left-column part of a header line that may have the right column merged into it."""
    cut = len(line.text)
    at = _right_column_at(line)
    if at is not None:
        cut = at
    found_date = _date_in(line)
    text = line.text[:cut]
    if found_date and found_date[1] < cut:
        text, _place = _place_before(line.text[: found_date[1]])
    label = NUMBER_LABEL.search(fold_keep(text))
    if label:
        text = text[: label.start()]  # "BỘ NỘI VỤ Số: 15/QĐ-BNV", "Số: 34GM-BTTTT"
    # tokens without a letter or digit are specks and rules: "BỘ THÔNG TIN . VÀ …"
    words = [word for word in text.split() if any(c.isalnum() for c in word)]
    # an urgency or secrecy stamp read on the same line: "BỘ NỘI VỤ HỎA TỐC |"
    for folded, _mark in (*URGENCY, *SECRECY):
        size = len(folded.split())
        if len(words) > size and _letters(" ".join(words[-size:])) == folded:
            words = words[:-size]
            break
    return _split_joined(" ".join(words).strip(NOISE_CHARS))


def _read_header(state: _State) -> None:
    """Issuer, marks and (công văn) the V/v subject from the lines before the title."""
    organ_lines: list[str] = []
    vv: list[str] = []
    in_vv = False
    for line in state.lines[: state.header_end]:
        folded = line.folded
        mark = _mark_of(line, whole=True)
        if mark:
            kind, value, confidence = mark
            if getattr(state.result, kind).confidence < confidence:
                setattr(state.result, kind, Field(value, confidence))
            line.kind = "mark"
            in_vv = False
            continue
        if VV.search(folded):
            line.kind = "vv"
            vv.append(line.text[VV.search(folded).end() :])  # type: ignore[union-attr]
            in_vv = True
            continue
        if _right_column_at(line) == 0:
            line.kind = "motto"
            continue
        if line.kind == "date" and not _cut_right_column(line):
            continue  # the right column's date line, between two lines of the V/v subject
        if (
            in_vv
            and len(line.text) <= 55
            and _upper_share(line.text) < 0.6
            and not _date_in(line)
            and not NUMBER.search(folded)
            and not KINH_GUI.search(folded)
        ):
            vv.append(line.text)
            line.kind = "vv"
            continue
        in_vv = False
        left = _cut_right_column(line)
        if not left or _upper_share(left) < 0.75 or len(_letters(left)) < 2:
            continue
        if max(len(word) for word in _letters(left).split()) > 12:
            continue  # no Vietnamese syllable is that long: noise, not a header line
        if KINH_GUI.search(fold_keep(left)):
            continue
        organ_lines.append(left)
        line.kind = line.kind or "organ"
    if vv:
        subject = " ".join(" ".join(vv).split()).strip(NOISE_CHARS)
        state.result.subject = Field(subject, 0.85 if len(vv) < 4 else 0.6)
        state.notes["vv"] = True
    if organ_lines:
        groups: list[list[str]] = []
        for text in organ_lines:
            folded = _letters(text) + " "
            starts = folded.startswith(ORGAN_STARTS) and not folded.startswith(CONTINUES[:-1])
            if folded.startswith(("tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy")):
                starts = True
            if not groups or starts:
                groups.append([text])
            else:
                groups[-1].append(text)
        organ = " ".join(groups[-1])
        parent = " ".join(" ".join(group) for group in groups[:-1])
        sure = 0.9 if all(_has_marks(t) for t in organ_lines) else 0.7
        if len(organ_lines) > 5:
            sure -= 0.3  # body or noise taken for the header
        state.result.organ_name = Field(organ, sure)
        if parent:
            state.result.parent_organ = Field(parent, sure - 0.1)


def _read_type_and_subject(state: _State) -> None:
    result = state.result
    notation = result.code_notation.value
    abbr_name = ""
    if notation:
        groups = [g for g in re.split(r"[/\-]", notation) if g and not g.isdigit()]
        # Party numbers join number and type with a hyphen: "Số 123-CV/BTGTW" (HD 36)
        party_style = state.notes.get("number_sep") in {"-", "\u2013", "\u2014"} and "/" in notation
        first = fold_keep(groups[0]) if groups else ""
        if re.match(r"\d{4}/", notation) and first == "tt":
            abbr_name = "Thông tư"  # a legal normative number carries its year: 05/2026/TT-BTTTT
        elif party_style and first in PARTY_ABBR:
            abbr_name = PARTY_ABBR[first]
        elif first in STATE_ABBR and len(groups) > 1:
            abbr_name = STATE_ABBR[first]
    title = state.notes.get("title")
    if title and notation and not abbr_name:
        abbr_name = _repair_type_group(state, title)
    if title:
        name, abbr, confidence = title
        if abbr_name and fold_keep(abbr_name) != fold_keep(name):
            confidence -= 0.2
        elif abbr_name:
            confidence = min(0.99, confidence + 0.04)
        result.doc_type = Field(name, confidence)
        result.doc_type_abbreviation = Field(abbr or _party_abbr(name), confidence)
        _read_subject_after_title(state)
    elif abbr_name:
        result.doc_type = Field(abbr_name, 0.75)
        result.doc_type_abbreviation = Field(_abbr_for(abbr_name, notation), 0.75)
    elif notation or state.notes.get("vv"):
        # no title and no type abbreviation: a công văn (Decree 30 App. I: notation = issuer-unit)
        confidence = 0.9 if state.notes.get("vv") else 0.6
        result.doc_type = Field("Công văn", confidence)
        result.doc_type_abbreviation = Field("CV" if "CV" in notation else "", confidence)


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one substitution, insertion or deletion."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _repair_type_group(state: _State, title: tuple[str, str, float]) -> str:
    """The title confirms the type: fix its abbreviation misread in the notation ("TTT" → "TTr").

    Returns the type's name when the notation was repaired, "" otherwise."""
    name = title[0]
    result = state.result
    notation = result.code_notation.value
    party = state.notes.get("number_sep") in {"-", "\u2013", "\u2014"}
    expected = _party_abbr(name) if party else TYPE_NAMES.get(fold_keep(name), ("", ""))[1]
    match = re.match(r"^((?:\d{4}/)?)([^/\-]+)([/\-].+)$", notation)
    if not expected or not match or match.group(2) == expected:
        return ""
    if not _one_edit(fold_keep(match.group(2)), fold_keep(expected)) and fold_keep(
        match.group(2)
    ) != fold_keep(expected):
        return ""
    result.code_notation = Field(
        f"{match.group(1)}{expected}{match.group(3)}", result.code_notation.confidence - 0.2
    )
    return name


def _party_abbr(name: str) -> str:
    for _code, type_name, _abbr, party, _normative in DOCUMENT_TYPES:
        if type_name == name:
            return party
    return ""


def _abbr_for(name: str, notation: str) -> str:
    for _code, type_name, abbr, party, _normative in DOCUMENT_TYPES:
        if type_name == name:
            return party if notation.startswith(party + "/") else abbr
    return TYPE_NAMES.get(fold_keep(name), ("", ""))[1]


def _read_subject_after_title(state: _State) -> None:
    """The trích yếu: the centred lines under the title, narrower than the body's lines."""
    if state.title_at is None or state.result.subject.value:
        return
    taken: list[str] = []
    clean_end = False
    for line in state.lines[state.title_at + 1 : state.title_at + 6]:
        text = re.sub(r"^[-_\u2014.,~\s]+", "", line.text)
        if KINH_GUI.search(line.folded) or line.kind in {"number", "date"}:
            break
        if taken:
            first, last = len(taken[0]), len(taken[-1])
            if (
                BODY_START.search(fold_keep(text))
                or _upper_share(text) > 0.8  # "ỦY BAN NHÂN DÂN TỈNH …" (the enacting body)
                or len(text) > 72  # a body line: the subject is centred in a narrower box
                or len(text) > first + 4  # wider than the subject's first (widest) line
                # after the short last line of the subject comes the body, not another short line
                or (first > 40 and last < 0.75 * first and len(text) >= 0.75 * first)
            ):
                clean_end = True
                break
        taken.append(text)
        if len(taken) >= 4:
            break
    if taken:
        subject = " ".join(" ".join(taken).split()).strip(NOISE_CHARS)
        state.result.subject = Field(subject, 0.85 if clean_end else 0.65)


def _is_position(text: str) -> bool:
    """A line of the signer's position ("KT. BỘ TRƯỞNG", "PHÓ CHỦ TỊCH", "T/M BAN THƯỜNG VỤ")."""
    text = BULLET.sub(
        "", text
    )  # a speck before it read as a bullet; recipients are not in capitals
    if _upper_share(text) < 0.8 or len(text.split()) > 9:
        return False
    folded = _letters(text)
    if SIGN_PREFIX.search(fold_keep(text).strip()):
        return True
    return any(word in folded for word in TITLE_WORDS)


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 6 or any(not w.isalpha() for w in words):
        return False
    upper = unicodedata.normalize("NFC", text)
    return all(_NAME_WORD.match(w) for w in upper.split()) and not _is_position(text)


NOI_NHAN_LABEL = "Nơi nhận:"
NUMBER_LABEL = re.compile(r"(?:^|[^a-z0-9])s\s*[o06]\s*[:;.]?\s*[0-9oil|]{1,6}(?:\s*[/\-]|[a-z])")
LUU_VT = re.compile(r"^(L[ưu]u\s*:\s*)(V[A-Z1|!]{0,2}(?![\wĐ])\s*[,;.]?)(?=\s*[A-ZĐ]|\s*$)")
NOISE_CHARS = " .,;:_-\u2014*'`\u02c6^~|\\\""


def _split_columns(text: str) -> list[str]:
    """A bottom line cut into its columns: "- Các sở; KT. BỘ TRƯỞNG" → two parts."""
    label_end = _is_noi_nhan(text)
    if label_end is not None:
        rest = text[label_end:].strip()
        return [NOI_NHAN_LABEL, *(_split_columns(rest) if rest else [])]
    parts = [part.strip() for part in _SPLIT_SIGN.split(text) if part.strip()]
    if len(parts) == 1 and _upper_share(text) < 0.8:
        words = text.split()
        run = 0
        while run < len(words) and _upper_share(words[-1 - run]) == 1.0:
            run += 1
        if 2 <= run < len(words) and _is_position(" ".join(words[-run:])):
            parts = [" ".join(words[:-run]), " ".join(words[-run:])]
    return parts


_TITLES = {fold_keep(title): title for title in TITLES}
_PREFIX = re.compile(r"^((?:KT|TM|TL|TUQ|Q|[1l]M)\s*[.,:]\s*|[KT]\s*/\s*[TML]\s*)?(.*)$")


def _title_restored(text: str) -> str:
    """A position line with its title spelt as printed when OCR lost a diacritic."""
    match = _PREFIX.match(text)
    if not match:
        return text
    prefix, rest = match.group(1) or "", match.group(2)
    canonical = _TITLES.get(" ".join(fold_keep(rest).split()))
    return f"{prefix}{canonical}" if canonical else text


def _read_tail(state: _State) -> None:
    """Recipients, signer's position and name, from the lines after the body."""
    lines = state.lines
    start = state.header_end + 1
    noi = next((ln.index for ln in lines[start:] if _is_noi_nhan(ln.text) is not None), None)
    # split "- Các sở, ban, ngành; KT. BỘ TRƯỞNG" into its two columns
    tail: list[str] = []
    first = max(start, len(lines) - 40)
    if noi is not None:  # the signer block may start a line or two above the label
        first = max(first, noi - 2)
    for line in lines[first:]:
        tail.extend(_split_columns(line.text))
    positions: list[str] = []
    restored = False
    name = ""
    name_conf = 0.0
    items: list[list[Any]] = []  # [text, confidence]
    in_recipients = False
    loose: list[str] = []  # bullet lines seen before any "Nơi nhận" (label lost in the scan)
    for text in tail:
        if text == NOI_NHAN_LABEL:
            in_recipients = True
            continue
        if _is_position(text) and _mark_of(Line(text, fold_keep(text), 0), whole=True) is None:
            if name:  # a name closed the previous signer block: this is another one
                positions, name = [], ""
            words = BULLET.sub("", text).strip(NOISE_CHARS).split()
            while len(words) > 1 and len(words[-1]) == 1:
                words.pop()  # a speck read as a letter after the title: "BÍ THƯ Ð"
            printed = " ".join(words).strip(NOISE_CHARS)
            positions.append(_title_restored(printed))
            restored = restored or positions[-1] != printed
            continue
        if _is_name(text.strip(NOISE_CHARS)):
            text = text.strip(NOISE_CHARS)
            name, name_conf = text, (0.9 if positions else 0.6)
            continue
        if BULLET.match(text):
            if in_recipients:
                items.append([BULLET.sub("", text).strip(), 0.9])
            else:
                loose.append(BULLET.sub("", text).strip())
        elif (
            in_recipients
            and items
            and not items[-1][0].endswith((";", "."))
            and (text[:1].islower() or text[:1] == "(")
        ):
            items[-1][0] += " " + text
            items[-1][1] = 0.75
        elif in_recipients and items and text[:1].isupper() and items[-1][0].endswith((";", ",")):
            items.append([text, 0.6])  # a bullet lost in the scan
        elif not in_recipients and len(text) > 30:
            positions = []  # body text after uppercase lines: they were not the signer's
    if not in_recipients and loose and positions:
        items = [[text, 0.5] for text in loose]
    if positions:
        joined = " ".join(positions)
        joined = re.sub(r"(?:^|(?<=\s))[1l]M\s*[.,:]", "TM.", joined)  # "1M." is TM.
        joined = re.sub(r"\b(KT|TM|TL|TUQ|Q)\s*[.,:]\s*", r"\1. ", joined)
        joined = re.sub(r"\b([KT])\s*/\s*([TML])(?=[A-ZĐÀ-Ỹ])", r"\1/\2 ", joined)
        joined = re.sub(r"\b([KT])\s*/\s*([TML])\b", r"\1/\2", joined)
        sure = 0.9 if _has_marks(joined) and not restored else 0.75
        state.result.signer_position = Field(joined, sure)
    if name:
        state.result.signer_name = Field(name, name_conf if _has_marks(name) else name_conf - 0.15)
    recipients = []
    for text, confidence in items:
        text = text.rstrip(" ;,.-_~").strip()
        if len(_letters(text)) < 2:
            continue
        # "Lưu: VT, VP." — the registry (văn thư) keeps a copy; OCR often reads VT as VI, VF
        kept = LUU_VT.match(text)
        if kept:
            rest = text[kept.end(2) :].strip()
            repaired = f"{kept.group(1)}VT" + (f", {rest}" if rest else "")
            if repaired != text:
                text, confidence = repaired, min(confidence, 0.75)
        recipients.append(Field(text, confidence))
    state.result.recipients = recipients


def _read_marks_anywhere(state: _State) -> None:
    """Urgency and secrecy marks outside the header block (stamped elsewhere on page 1)."""
    for line in state.lines[: max(state.header_end + 3, 20)]:
        if line.kind == "title":
            continue
        if line.kind == "organ":  # only a stamp read at the end of the issuer's line
            letters = _letters(line.text)
            mark = next(
                (
                    (kind, value, 0.6)
                    for kind, marks in (("urgency", URGENCY), ("confidentiality", SECRECY))
                    for folded, value in marks
                    if letters.endswith(" " + folded) and _upper_share(line.text) > 0.9
                ),
                None,
            )
        else:
            mark = _mark_of(line, whole=False)
        if mark:
            kind, value, confidence = mark
            current = getattr(state.result, kind)
            if not current.value or (
                len(value) > len(current.value) and current.confidence <= confidence
            ):
                setattr(state.result, kind, Field(value, confidence))


def fields_extract(text: str) -> Extraction:
    """Read the register fields from the recognised text of one official document."""
    result = Extraction()
    if not text or not text.strip():
        return result
    # Ð/ð (Icelandic eth) never occurs in Vietnamese: it is OCR's Đ/đ
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "Đ").replace("\u00f0", "đ")
    state = _State(lines=_lines(text), result=result)
    if not state.lines:
        return result
    _find_title(state)
    _find_header_end(state)
    _read_number(state)
    _read_date(state)
    _read_header(state)
    _read_marks_anywhere(state)
    _read_type_and_subject(state)
    _read_tail(state)
    return result
