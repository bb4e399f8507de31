"""Vietnamese text analysis for opinion items: normalisation, keywords, named entities, province.

Keywords are the noun phrases of a text (underthesea's word segmentation and part-of-speech
tags: a run of common nouns, optionally closed by a classifying adjective such as "trực tuyến"
or a proper name after a place noun such as "cầu Long Biên"), minus a curated stop list
(`data/stopwords.txt`), ranked by how often they occur and how specific they are.

Entities are derived from the same tags rather than from `underthesea.ner`: the CRF NER runs at
about 50 short texts a second on two cores, a quarter of what the pipeline can spend here, and
it labels "Bộ Công an và UBND TP. Hồ Chí Minh" as one location. Organisations are a capitalised
organisation noun ("Bộ", "Sở", "UBND", "Bệnh viện") followed by capitalised words; locations are
the province gazetteer (`vcnet.opinion.provinces`) plus proper names after a place noun
("xã", "phường", "sông", "sân bay"). Person names are never returned: persons are not monitored.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import underthesea

from vcnet.core.text import fold, nfc
from vcnet.opinion import provinces

log = logging.getLogger(__name__)

MAX_CHARS = 2000  # a title (up to 500) and the first ~1,500 characters of the text
MAX_KEYWORDS = 8
MAX_ENTITIES = 12
MAX_PHRASE_WORDS = 4
STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.txt"

_BLOCK = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,500}>")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\u00a0\u200b\u3000]+")
_LINES = re.compile(r"\s*\n\s*")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Analysis:
    """What was read in one text: its keywords, its organisations and places, its province."""

    keywords: list[str]
    entities: list[dict[str, str]]  # [{"text": "Bộ Công an", "type": "ORG" | "LOC"}]
    province: str  # canonical name (`provinces.PROVINCES`), "" when unknown


def _words(text: str) -> frozenset[str]:
    """A set of words and phrases written as one comma-separated string."""
    return frozenset(word.strip() for word in text.split(",") if word.strip())


# --- Normalisation --------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _word_normalize(word: str) -> str:
    # underthesea's token map: old tone placement (hoá, thuỷ) and common misspellings (nghành).
    return str(underthesea.text_normalize(word, tokenizer="space"))


def _normalize_word(match: re.Match[str]) -> str:
    word = match.group()
    return word if word.isascii() else _word_normalize(word)


def normalize(text: str) -> str:
    """NFC, new-style tone placement ("hoá" → "hóa"), no HTML or URLs, tidy whitespace."""
    text = nfc(text)
    if "<" in text:
        text = _TAG.sub(" ", _BLOCK.sub(" ", text))
    if "&" in text:
        text = nfc(html.unescape(text))
    text = _URL.sub(" ", text)
    text = _WORD.sub(_normalize_word, text)
    text = _SPACE.sub(" ", text)
    return _LINES.sub("\n", text).strip()


# --- Tagging --------------------------------------------------------------------------------

Tagged = list[tuple[str, str]]


@cache
def _tagger() -> Callable[[list[list[str]]], list[list[str]]]:
    """underthesea's 2023 POS model (features computed in Rust, ~5x faster than `pos_tag`)."""
    try:
        from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

        model = FastCRFSequenceTagger()
        model.load(
            str(_UNDERTHESEA / "pipeline" / "pos_tag" / "models" / "pos_crf_vlsp2013_20230303")
        )
        featurizer, estimator = model.featurizer, model.estimator
    except Exception:  # a later underthesea may move it: the public API still works, slower
        log.warning("opinion: fast POS model unavailable, using underthesea.pos_tag")

        def slow(lines: list[list[str]]) -> list[list[str]]:
            return [[tag for _, tag in underthesea.pos_tag(" ".join(line))] for line in lines]

        return slow

    def fast(lines: list[list[str]]) -> list[list[str]]:
        features = featurizer.process([[[token] for token in line] for line in lines])
        return [[tag[2:] for tag in estimator.tag(x)] for x in features]

    return fast


_UNDERTHESEA = Path(underthesea.__file__).parent
# Words the tagger often calls verbs where citizens use them as nouns ("làm căn cước").
_NOUNS = _words(
    "căn cước, khai sinh, khai tử, cư trú, tạm trú, thường trú, hộ chiếu, định danh, "
    "kết hôn, ly hôn, học phí, bảo hiểm, rác thải, nước thải, khí thải"
)
_BREAK = ("\n", "CH")


def _tag(text: str) -> Tagged:
    """Words and POS tags of the text, line by line (a line break ends any phrase or name)."""
    lines = [[t for t in underthesea.word_tokenize(line) if t.strip()] for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return []
    tagged: Tagged = []
    for line, tags in zip(lines, _tagger()(lines), strict=True):
        if tagged:
            tagged.append(_BREAK)
        tagged.extend(
            (token, "N" if token.lower() in _NOUNS else tag)
            for token, tag in zip(line, tags, strict=True)
        )
    return tagged


# --- Keywords -------------------------------------------------------------------------------


@cache
def stopwords() -> frozenset[str]:
    """The stop list: lower-case words and phrases that are never keywords on their own."""
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        nfc(line.strip().lower()) for line in lines if line.strip() and not line.startswith("#")
    )


_COMMON = frozenset({"N", "Nc", "Nb", "Ny"})
_PROPER = frozenset({"Np"})
# Adjectives that classify rather than judge: "dịch vụ công trực tuyến", "nước sạch".
_MODIFIERS = _words(
    "trực tuyến, công, công lập, công cộng, tư thục, dân lập, cao tuổi, lớn tuổi, "
    "thông minh, online, tạm, kiên cố, sạch, cao tốc, điện tử, tự nguyện, nghèo, "
    "cận nghèo, tối thiểu, bình quân, đen, đỏ, hồng, tư, ngầm, quốc tế, nội trú, bán trú, "
    "khẩn cấp, tự động, số, xanh, mini, thô, hữu cơ, sinh hoạt, độc hại, giả, lậu, "
    "trái phép, lấn chiếm"
)
# Nouns after which a proper name is a place or a thing, not a person ("cầu Long Biên").
_PLACE_HEADS = _words(
    "xã, phường, quận, huyện, thị xã, thị trấn, đặc khu, tỉnh, thành phố, tp, tp., sông, "
    "cầu, đèo, hồ, núi, đảo, vịnh, chợ, sân bay, cảng, đường, phố, ngõ, hẻm, khu, "
    "khu đô thị, khu công nghiệp, khu dân cư, cao tốc, quốc lộ, tỉnh lộ, bến xe, ga, biển, "
    "bãi biển, miền, vùng, thôn, ấp, bản, làng, tổ dân phố, kênh, rạch, đồi, "
    "vườn quốc gia, công viên, bệnh viện, trường, đại học, ngân hàng, công ty, tập đoàn, "
    "dự án, nhà máy, bộ, sở, ubnd, trung tâm, tuyến, metro"
)
_TITLES = _words(
    "ông, bà, anh, chị, em, cô, chú, bác, cụ, cháu, con, thầy, đồng chí, chủ tịch, "
    "phó chủ tịch, bí thư, giám đốc, bộ trưởng, thủ tướng, bác sĩ, trưởng, phó, đại biểu, "
    "nhà báo, luật sư, tiến sĩ, thạc sĩ, giáo sư"
)


_KEYWORD_WORD = re.compile(r"\w[\w.\-]*", re.UNICODE)


def _usable(word: str, tag: str) -> bool:
    return tag in _COMMON and _KEYWORD_WORD.fullmatch(word.replace(" ", "")) is not None


def _shown(word: str, tag: str) -> str:
    return word if tag in ("Np", "Ny") else word.lower()


def _phrases(tagged: Tagged, taken: set[int]) -> list[tuple[int, str]]:
    """(position, phrase) for every noun phrase worth counting, outside the entities (`taken`)."""
    stop = stopwords()
    found: list[tuple[int, str]] = []
    i, n = 0, len(tagged)
    while i < n:
        word, tag = tagged[i]
        low = word.lower()
        if i in taken:
            i += 1
            continue
        if not _usable(word, tag) or low in stop:
            if low in _TITLES or tag in _PROPER:
                i += 1
                while i < n and tagged[i][1] in _PROPER:  # a person's name: skip it whole
                    i += 1
                continue
            i += 1
            continue
        start = i
        words = [_shown(word, tag)]
        i += 1
        while i < n and len(words) < MAX_PHRASE_WORDS and i not in taken:
            word, tag = tagged[i]
            low = word.lower()
            if _usable(word, tag) and low not in stop:
                words.append(_shown(word, tag))
            elif tag in _PROPER and tagged[i - 1][0].lower() in _PLACE_HEADS:
                words.append(word)
                while i + 1 < n and tagged[i + 1][1] in _PROPER and len(words) < MAX_PHRASE_WORDS:
                    i += 1
                    words.append(tagged[i][0])
                i += 1
                break
            elif tag == "A" and low in _MODIFIERS:
                words.append(low)
                i += 1
                break
            else:
                break
            i += 1
        while words and words[-1].lower() in stop:
            words.pop()
        if words:
            found.append((start, " ".join(words)))
    return found


def _keywords(tagged: Tagged, taken: set[int]) -> list[str]:
    stop = stopwords()
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    shown: dict[str, str] = {}
    for position, phrase in _phrases(tagged, taken):
        key = phrase.lower()
        if key in stop or len(key) < 2 or not any(ch.isalpha() for ch in key):
            continue
        if provinces.canonical(key):  # places are entities, and the item's province
            continue
        syllables = key.count(" ") + 1
        # A one-syllable noun ("xe", "nhà") says less than "xe buýt" or "nhà ở xã hội".
        score[key] = score.get(key, 0.0) + (0.6 if syllables == 1 else 1.0 + 0.15 * syllables)
        first.setdefault(key, position)
        shown.setdefault(key, phrase)
    ranked = sorted(score, key=lambda k: (-score[k], first[k]))
    return [shown[key] for key in ranked[:MAX_KEYWORDS]]


# --- Entities -------------------------------------------------------------------------------

_ORG_HEADS = _words(
    "bộ, sở, ủy ban, uỷ ban, ủy ban nhân dân, hội đồng nhân dân, ubnd, hđnd, công an, "
    "tổng công ty, công ty, tập đoàn, ngân hàng, bệnh viện, trường, đại học, học viện, "
    "viện, cục, tổng cục, chi cục, ban, báo, đài, tòa án, toà án, tand, viện kiểm sát, "
    "vksnd, thành ủy, tỉnh ủy, đảng ủy, quốc hội, chính phủ, mặt trận, hội, liên đoàn, "
    "trung tâm, kho bạc, bảo hiểm xã hội, điện lực, cảng vụ, văn phòng, phòng, đoàn, "
    "hợp tác xã, quỹ, thông tấn xã, bộ chỉ huy, bộ đội biên phòng, cảnh sát, hãng, "
    "siêu thị"
)
_ORG_ALONE = _words(
    "UBND, HĐND, EVN, BHXH, VTV, VOV, CSGT, MTTQ, TAND, VKSND, CDC, WHO, Quốc hội, "
    "Chính phủ, Bộ Chính trị, Ban Bí thư, Vietcombank, Agribank, BIDV, VietinBank, "
    "Viettel, VNPT, Vietnam Airlines, Vietjet, Petrolimex"
)
# Lower-case words that may sit inside a name when a capitalised word follows ("Sở Y tế tỉnh
# Nghệ An", "Tổng công ty Điện lực miền Bắc").
_CONNECTORS = _words(
    "tỉnh, thành phố, tp, tp., huyện, quận, xã, phường, thị xã, đặc khu, miền, khu vực, "
    "vùng, nhân dân"
)
_LOC_CUES = _words(
    "xã, phường, quận, huyện, thị xã, thị trấn, đặc khu, thôn, ấp, bản, sông, cầu, đèo, "
    "hồ, núi, đảo, vịnh, chợ, sân bay, cảng, đường, phố, quốc lộ, cao tốc, bến xe, ga, "
    "khu công nghiệp, khu đô thị, miền, vùng, kênh, biển, bãi biển"
)
_LOC_PREPOSITIONS = frozenset({"ở", "tại"})
_NOT_NAME = frozenset({"CH", "V", "R", "E", "C", "CC", "P"})  # punctuation, verbs, particles


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _name_run(tagged: Tagged, i: int) -> int:
    """The end (exclusive) of the run of capitalised words starting at `i`."""
    n = len(tagged)
    while i < n:
        word, tag = tagged[i]
        name_word = tag not in _NOT_NAME and _capitalised(word)
        # A lower-case "tỉnh" or "miền" belongs to the name when a capitalised word follows.
        connector = (
            word.lower() in _CONNECTORS
            and i + 1 < n
            and tagged[i + 1][1] != "CH"
            and _capitalised(tagged[i + 1][0])
        )
        if not (name_word or connector):
            break
        i += 1
    return i


def _join(tagged: Tagged, start: int, end: int) -> str:
    return " ".join(word for word, _ in tagged[start:end]).strip(" .,")


def _entities(
    tagged: Tagged, places: list[provinces.Mention], taken: set[int]
) -> list[dict[str, str]]:
    """Organisations and places; the positions of the words they use are added to `taken`."""
    found: list[tuple[str, str]] = []
    n = len(tagged)
    i = 0
    while i < n:
        word, tag = tagged[i]
        low = word.lower()
        if tag == "CH":
            i += 1
            continue
        if low in _ORG_HEADS and _capitalised(word):
            end = _name_run(tagged, i + 1)
            if end > i + 1:
                found.append(("ORG", _join(tagged, i, end)))
                taken.update(range(i, end))
                i = end
                continue
        if word in _ORG_ALONE:
            end = _name_run(tagged, i + 1) if low in ("ubnd", "hđnd") else i + 1
            found.append(("ORG", _join(tagged, i, end)))
            taken.update(range(i, end))
            i = end
            continue
        if low in _LOC_CUES and i + 1 < n and tagged[i + 1][1] in ("Np", "N", "M"):
            end = _name_run(tagged, i + 1)
            if end > i + 1 and not provinces.canonical(_join(tagged, i + 1, end)):
                found.append(("LOC", f"{low} {_join(tagged, i + 1, end)}"))
                taken.update(range(i, end))
                i = end
                continue
        if low in _LOC_PREPOSITIONS and i + 1 < n and tagged[i + 1][1] == "Np":
            end = _name_run(tagged, i + 1)
            name = _join(tagged, i + 1, end)
            if not provinces.canonical(name):
                found.append(("LOC", name))
            taken.update(range(i + 1, end))
            i = end
            continue
        i += 1
    found.extend(("LOC", mention.name) for mention in places)
    entities: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for kind, name in found:
        key = (kind, fold(name))
        if name and key not in seen:
            seen.add(key)
            entities.append({"text": name, "type": kind})
    return entities[:MAX_ENTITIES]


# --- Entry point ----------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def _without_diacritics(tagged: Tagged) -> bool:
    words = [word for word, tag in tagged if tag != "CH" and not word.isdigit()]
    return sum(word.isascii() for word in words) >= 0.9 * len(words)


def analyse(texts: Sequence[str]) -> list[Analysis]:
    """Keywords, organisations and places, and province of each text (title + start of body)."""
    results: list[Analysis] = []
    for raw in texts:
        # Markup may hide how much text there is: clip generously, clean, then clip for real.
        text = _clip(normalize(_clip(raw, 20 * MAX_CHARS)), MAX_CHARS)
        if not text:
            results.append(Analysis(keywords=[], entities=[], province=""))
            continue
        tagged = _tag(text)
        taken: set[int] = set()
        places = list(provinces.mentions(text))
        entities = _entities(tagged, places, taken)
        # The tagger was trained on text with diacritics; on "lam lai so ho khau" it only
        # produces nonsense phrases, so such texts give no keywords (province still works).
        keywords = [] if _without_diacritics(tagged) else _keywords(tagged, taken)
        results.append(
            Analysis(
                keywords=keywords, entities=entities, province=provinces.most_mentioned(places)
            )
        )
    return results
