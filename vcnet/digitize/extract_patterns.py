"""Patterns, vocabularies and line helpers for `vcnet.digitize.extract` (folded text: lower
case, no diacritics, đ→d, one character for one so that indices stay aligned with the original).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from vcnet.documents.types_data import DOCUMENT_TYPES

# ---------------------------------------------------------------------------------------------
# Text helpers


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch


# Latin, Vietnamese (Latin Extended Additional) and the punctuation around them, in C speed.
_FOLD_TABLE = {
    code: _fold_char(chr(code))
    for code in range(0x2000)
    if _fold_char(chr(code)) != chr(code) and not 0xD800 <= code <= 0xDFFF
}


def fold_keep(text: str) -> str:
    """Fold lower case without diacritics, one character for one: indices stay aligned."""
    return text.translate(_FOLD_TABLE)


def _letters(text: str) -> str:
    """Only the letters of a folded text, single-spaced: "- KHẨN ]" → "khan"."""
    return " ".join("".join(c if c.isalpha() else " " for c in fold_keep(text)).split())


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def _has_marks(text: str) -> bool:
    """True when the text keeps Vietnamese diacritics (then an exact keyword match is sure)."""
    return any(ord(c) > 127 for c in text)


_DIGIT_FIX = str.maketrans(
    {
        "o": "0",
        "O": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "i": "1",
        "|": "1",
        "!": "1",
        "]": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
    }
)


def _digits(raw: str) -> tuple[str, bool]:
    """OCR-repaired digits and whether anything had to be repaired."""
    fixed = raw.translate(_DIGIT_FIX)
    return fixed, fixed != raw


# ---------------------------------------------------------------------------------------------
# Patterns (on folded text)

_SP = r"\s*"
MOTTO_STATE = re.compile(
    r"c\s*o\s*n\s*g\s*h\s*o\s*a\s*x\s*a\s*h\s*o\s*i\s*c\s*h\s*u\s*n\s*g\s*h\s*i\s*a"
    r"(?:\s*v\s*i\s*e\s*t\s*n\s*a\s*m)?"
)
MOTTO_LINE = re.compile(r"d\s*o\s*c\s*l\s*a\s*p\W*t\s*u\s*d\s*o\W*h\s*a\s*n\s*h\s*p\s*h\s*u\s*c")
PARTY_HEAD = re.compile(r"d\s*a\s*n\s*g\s*c\s*o\s*n\s*g\s*s\s*a\s*n\s*v\s*i\s*e\s*t\s*n\s*a\s*m")
_D = r"[0-9oil|!\]]"
DATE_WORDS = re.compile(
    rf"n\s*g\s*a\s*y\W{{0,2}}({_D}{{1,2}})\W{{0,2}}t\s*h\s*a\s*n\s*g\W{{0,2}}({_D}{{1,2}})"
    rf"\W{{0,2}}n\s*a\s*m\W{{0,2}}({_D}\s?{_D}\s?{_D}\s?{_D})"
)
DATE_SLASH = re.compile(
    rf"n\s*g\s*a\s*y\s*({_D}{{1,2}})\s*[/.\-]\s*({_D}{{1,2}})\s*[/.\-]\s*({_D}{{4}})"
)
NUMBER = re.compile(
    r"(?:^|[^a-z0-9])s\s*[o0ô6]\s*[:;.,]?\s*(?P<num>[0-9oil|!\]]{1,6})\s*(?P<sep>[/\-\u2013\u2014])\s*"
    r"(?P<notation>[a-z0-9]+(?:\s?[/\-\u2013\u2014.]\s?[a-z0-9]+)*)"
)
NUMBER_JOINED = re.compile(
    r"(?:^|[^a-z0-9])s\s*[o0\u00f4]\s*[:;]\s*(?P<num>[0-9]{1,5})(?P<sep>)"
    r"(?P<notation>[a-z][a-z0-9]*(?:\s?[/\-]\s?[a-z0-9]+)+)"
)
NUMBER_BARE = re.compile(
    r"^(?P<num>[0-9]{1,5})\s*(?P<sep>[/\-])\s*(?P<notation>[a-z0-9]+(?:\s?[/\-.]\s?[a-z0-9]+)+)"
)
VV = re.compile(r"^[\W_]{0,3}v\s*[/|l1i\\]\s*[vy]\b\.?\s*")  # V/v, also read V/ý
NOI_NHAN = re.compile(r"^[\W_]{0,3}n\s*o\s*i\s*n\s*h\s*a\s*n\s*[:;.]?")
KINH_GUI = re.compile(r"^[\W_]{0,3}k\s*i\s*n\s*h\s*g\s*u\s*i\b")
SIGN_PREFIX = re.compile(
    r"^(?:k\s*t|[t1l]\s*m|t\s*l|t\s*u\s*q|q)\s*[./:]\s*\S|^(?:k|t)\s*/\s*(?:t|m|l)"
)
# Signers' titles as printed, to restore a diacritic OCR dropped ("CHỦ TICH" → "CHỦ TỊCH").
TITLES = [
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "BÍ THƯ",
    "PHÓ BÍ THƯ",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "ỦY BAN NHÂN DÂN",
    "BAN THƯỜNG VỤ",
    "BAN CHẤP HÀNH",
    "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG",
    "VỤ TRƯỞNG",
    "PHÓ VỤ TRƯỞNG",
    "TỔNG GIÁM ĐỐC",
    "HIỆU TRƯỞNG",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "CHÁNH THANH TRA",
    "THƯỜNG TRỰC",
    "TỔNG BIÊN TẬP",
    "CHỦ NHIỆM",
    "PHÓ CHỦ NHIỆM",
    "HỘI ĐỒNG NHÂN DÂN",
    "BAN CHỈ ĐẠO",
    "BAN TỔ CHỨC",
    "THỦ TƯỚNG",
    "PHÓ THỦ TƯỚNG",
    "CHÁNH ÁN",
    "VIỆN TRƯỞNG",
]
BODY_START = re.compile(
    r"^(?:can cu|xet de nghi|thuc hien|theo de nghi|dieu \d|chuong [ivx\d]|[ivx]+\.|\d+\.|"
    r"kinh gui|ngay \d|trong thoi gian|nham )"
)
TITLE_WORDS = (
    "truong",
    "chu tich",
    "giam doc",
    "bi thu",
    "chanh",
    "chu nhiem",
    "tong bien tap",
    "uy vien",
    "thu ky",
    "cuc truong",
    "vien truong",
    "hieu truong",
    "chanh an",
)
URGENCY = [
    ("hoa toc hen gio", "HỎA TỐC HẸN GIỜ"),
    ("hoa toc", "HỎA TỐC"),
    ("thuong khan", "THƯỢNG KHẨN"),
    ("khan", "KHẨN"),
]
SECRECY = [("tuyet mat", "TUYỆT MẬT"), ("toi mat", "TỐI MẬT"), ("mat", "MẬT")]
# Words that start an organisation's name in the header (a new group: the issuer under a parent);
# other lines ("TỈNH NGHỆ AN", "VÀ TRUYỀN THÔNG") continue the line above.
ORGAN_STARTS = (
    "uy ban",
    "ubnd",
    "so ",
    "bo ",
    "ban ",
    "van phong",
    "tinh uy",
    "thanh uy",
    "huyen uy",
    "quan uy",
    "thi uy",
    "dang uy",
    "dang bo",
    "cuc ",
    "vu ",
    "chi cuc",
    "trung tam",
    "phong ",
    "truong ",
    "hoi dong",
    "cong an",
    "toa an",
    "vien ",
    "tong cuc",
    "doan ",
    "hoi ",
    "mat tran",
    "bo chi huy",
    "chi bo",
    "cong ty",
    "benh vien",
    "kho bac",
    "chi nhanh",
    "hoc vien",
    "dai ",
    "bao ",
    "tap chi",
    "thanh doan",
    "tinh doan",
    "lien doan",
    "ngan hang",
    "chinh phu",
    "quoc hoi",
    "thu tuong",
    "hdnd",
    "hoi dong nhan dan",
)
CONTINUES = (
    "tinh ",
    "thanh pho",
    "huyen ",
    "quan ",
    "xa ",
    "phuong ",
    "thi xa",
    "thi tran",
    "trung uong",
    "va ",
    "khoa ",
    "nhiem ky",
    "tp",
)

# Type names (Decree 30, HD 36) plus the legal normative ones a registry also receives.
_EXTRA_TYPES = [
    ("Thông tư", "TT"),
    ("Nghị định", "NĐ"),
    ("Luật", ""),
    ("Pháp lệnh", ""),
    ("Thông tư liên tịch", "TTLT"),
    ("Nghị quyết liên tịch", "NQLT"),
]
TYPE_NAMES: dict[str, tuple[str, str]] = {}  # folded name → (name, state abbreviation)
STATE_ABBR: dict[str, str] = {}  # folded abbreviation → name
PARTY_ABBR: dict[str, str] = {}
CANONICAL_ABBR: dict[str, str] = {}  # folded → as written ("qd" → "QĐ")
for _code, _name, _abbr, _party, _normative in DOCUMENT_TYPES:
    TYPE_NAMES[fold_keep(_name)] = (_name, _abbr)
    if _abbr:
        STATE_ABBR[fold_keep(_abbr)] = _name
        CANONICAL_ABBR.setdefault(fold_keep(_abbr), _abbr)
    if _party:
        PARTY_ABBR[fold_keep(_party)] = _name
        CANONICAL_ABBR.setdefault(fold_keep(_party), _party)
for _name, _abbr in _EXTRA_TYPES:
    TYPE_NAMES.setdefault(fold_keep(_name), (_name, _abbr))
    if _abbr:
        STATE_ABBR.setdefault(fold_keep(_abbr), _name)
        CANONICAL_ABBR.setdefault(fold_keep(_abbr), _abbr)


# ---------------------------------------------------------------------------------------------
# Lines


@dataclass
class Line:
    """One line of the text: original (NFC, single-spaced), folded, and what it was found to be."""

    text: str
    folded: str
    index: int
    kind: str = ""  # motto, party, date, number, mark, vv, title, recipients, position, name, ...
    para_start: bool = False  # a blank line (or a page break) came before it

    @property
    def noise(self) -> bool:
        alnum = [c for c in self.text if c.isalnum()]
        return not alnum or (len(alnum) <= 1 and self.text not in {"*"} and not alnum[0].isdigit())


# Only the start (header, title, subject) and the end (signer, recipients) carry fields: a long
# document is cut to those, and a line to what a printed line can hold, so the time is bounded.
HEAD_LINES, TAIL_LINES, LINE_CHARS = 150, 80, 400


def _lines(text: str) -> list[Line]:
    raws = text.replace("\r", "\n").replace("\f", "\n\n").split("\n")
    if len(raws) > 2 * (HEAD_LINES + TAIL_LINES):
        raws = [*raws[: 2 * HEAD_LINES], "", *raws[-2 * TAIL_LINES :]]
    lines: list[Line] = []
    blank = True
    for raw in raws:
        stripped = " ".join(raw[: LINE_CHARS * 2].split())[:LINE_CHARS]
        if not stripped:
            blank = True
            continue
        line = Line(stripped, fold_keep(stripped), len(lines), para_start=blank)
        if line.noise:
            blank = True  # a rule read as "___" separates like a blank line
            continue
        lines.append(line)
        blank = False
    if len(lines) > HEAD_LINES + TAIL_LINES:
        lines = lines[:HEAD_LINES] + lines[-TAIL_LINES:]
        for index, line in enumerate(lines):
            line.index = index
    return lines


RIGHT_PHRASES = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap tu do hanh phuc",
    "dang cong san viet nam",
)


def _phrase_at(text: str, phrase: str, threshold: float = 0.8) -> int | None:
    """Where a fuzzy occurrence of a folded phrase starts in `text` (OCR-damaged motto)."""
    words = [(m.start(), m.group()) for m in re.finditer(r"[^\W\d_]+", fold_keep(text))]
    size = len(phrase.split())
    best: tuple[float, int] | None = None
    for i in range(len(words)):
        for width in (size - 1, size, size + 1):
            window = words[i : i + width]
            if len(window) < max(2, size - 1):
                continue
            ratio = SequenceMatcher(None, " ".join(w for _, w in window), phrase).ratio()
            if ratio >= threshold and (best is None or ratio > best[0]):
                best = (ratio, window[0][0])
    return best[1] if best else None


# Syllables of organisation names, to split words OCR ran together ("BỘTỈNH" → "BỘ TỈNH").
SYLLABLES = {
    "an",
    "ban",
    "binh",
    "bo",
    "can",
    "cao",
    "chap",
    "chien",
    "chinh",
    "cong",
    "cuc",
    "cuu",
    "dan",
    "dang",
    "dao",
    "dau",
    "doan",
    "du",
    "duc",
    "duong",
    "giao",
    "ha",
    "hai",
    "hanh",
    "hoa",
    "hoach",
    "hoc",
    "hoi",
    "huyen",
    "ke",
    "khoa",
    "kiem",
    "lang",
    "lao",
    "lich",
    "loc",
    "ly",
    "mai",
    "mat",
    "moi",
    "nam",
    "nghe",
    "nghi",
    "nghiep",
    "nguyen",
    "nha",
    "nhan",
    "nien",
    "ninh",
    "noi",
    "nong",
    "nu",
    "nuoc",
    "phap",
    "pho",
    "phong",
    "phu",
    "quan",
    "quoc",
    "sat",
    "so",
    "son",
    "tai",
    "tao",
    "tay",
    "te",
    "thanh",
    "the",
    "thong",
    "thuong",
    "tin",
    "tinh",
    "to",
    "toa",
    "toc",
    "ton",
    "tran",
    "trung",
    "truong",
    "truyen",
    "tu",
    "tuyen",
    "uong",
    "uy",
    "va",
    "van",
    "viet",
    "vu",
    "xa",
    "y",
}


def _syllables_of(folded: str) -> list[str] | None:
    """`folded` cut into header syllables ("banchaphanh" → ban chap hanh), or None."""
    if len(folded) > 48:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(folded)
    for end in range(1, len(folded) + 1):
        for start in range(max(0, end - 7), end):
            prefix = best[start]
            if prefix is not None and folded[start:end] in SYLLABLES:
                candidate = [*prefix, folded[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[-1]


def _split_joined(text: str) -> str:
    """Split words OCR ran together when every piece is a header syllable ("BỘTỈNH")."""
    words = []
    for word in text.split():
        folded = fold_keep(word)
        if len(folded) >= 5 and folded.isalpha() and folded not in SYLLABLES:
            pieces = _syllables_of(folded)
            if pieces and len(pieces) > 1:
                cut, parts = 0, []
                for piece in pieces:
                    parts.append(word[cut : cut + len(piece)])
                    cut += len(piece)
                word = " ".join(parts)
        words.append(word)
    return " ".join(words)


BULLET = re.compile(r"^[._~'`,:;]{0,3}\s*[-\u2013•+*·~]\s*(?=\S)")
_SPLIT_SIGN = re.compile(r"\s(?=(?:KT|TM|TL|TUQ)\.\s?[A-ZĐ]|(?:K/T|T/M|T/L)\s[A-ZĐ])")


def _is_noi_nhan(text: str) -> int | None:
    """End of the "Nơi nhận:" label when the line starts with it (also OCR-damaged)."""
    folded = fold_keep(text)
    found = NOI_NHAN.search(folded)
    if found:
        return found.end()
    head, colon, _rest = text.partition(":")
    if (
        (colon or len(text) <= 12)
        and len(head) <= 14
        and _letters(head)[:1] == "n"
        and SequenceMatcher(None, _letters(head), "noi nhan").ratio() >= 0.6
    ):
        return len(head) + len(colon)
    return None


_NAME_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$|^[A-ZĐÀ-Ỹ]+$")
