"""Extractive answers: the best sentences of the passages retrieval kept, each with its [n],
and a plain "nothing found" when the passages are not about the question."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from vcnet.assistant.answering import compose
from vcnet.assistant.models import AnswerMode
from vcnet.assistant.types import Retrieved
from vcnet.core import embeddings

TEXTS = [
    (
        "Nghị quyết 27/2026/NQ-HĐND",
        "Chương II › Điều 5 › Khoản 1",  # noqa: RUF001
        3,
        "Điều 5. Mức hỗ trợ về nhà ở\n1. Hộ gia đình có nhà ở bị sập, đổ, trôi hoàn toàn do lũ "
        "được hỗ trợ 40 triệu đồng/hộ. Hộ nghèo được hỗ trợ thêm 10 triệu đồng/hộ.",
    ),
    (
        "Quy chế công tác văn thư",
        "Chương I › Điều 5",  # noqa: RUF001
        2,
        "Điều 5. Văn bản đến phải được giải quyết trong thời hạn 7 ngày làm việc kể từ ngày nhận.",
    ),
    (
        "Quy định văn hóa công vụ <script>alert(1)</script>",
        "Điều 8",
        1,
        "Cán bộ mặc trang phục lịch sự <img src=x onerror=alert(1)> khi tiếp công dân.",
    ),
]


def _retrieved(question: str) -> list[Retrieved]:
    query = embeddings.query(question)
    vectors = embeddings.passages([text for _t, _h, _p, text in TEXTS])
    scores = vectors @ query
    order = np.argsort(-scores)
    return [
        Retrieved(
            passage_id=int(i) + 1,
            source_type="library",
            source_id=str(int(i) + 1),
            document_id=None,
            title=TEXTS[i][0],
            heading=TEXTS[i][1],
            page=TEXTS[i][2],
            text=TEXTS[i][3],
            score=1.0 / (61 + rank),
            lexical_rank=rank + 1,
            dense_rank=rank + 1,
            dense_score=float(scores[i]),
            url=f"/assistant/library/{int(i) + 1}/#page-{TEXTS[i][2]}",
        )
        for rank, i in enumerate(order)
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Nhà bị sập do lũ được hỗ trợ bao nhiêu tiền?",
        "nha bi sap do lu duoc ho tro bao nhieu tien",
    ],
)
def test_the_answer_quotes_the_right_sentence_and_cites_its_page(question: str) -> None:
    answer = compose(question, _retrieved(question))
    assert answer.answered and answer.mode == AnswerMode.EXTRACTIVE
    assert "40 triệu đồng" in answer.text and "[1]" in answer.text
    first = answer.citations[0]
    assert (first.n, first.title, first.page) == (1, "Nghị quyết 27/2026/NQ-HĐND", 3)
    assert first.url.endswith("#page-3")
    assert "40 triệu đồng" in first.quote


@pytest.mark.parametrize("question", ["Giá vàng hôm nay bao nhiêu?", "Thời tiết ngày mai thế nào?"])
def test_an_off_topic_question_gets_a_plain_nothing_found(question: str) -> None:
    with translation.override("en"):
        answer = compose(question, _retrieved(question))
    assert not answer.answered and answer.mode == AnswerMode.NONE
    assert answer.citations == []
    assert "nothing" in answer.text.lower()


def test_markup_in_sources_stays_text() -> None:
    question = "Cán bộ mặc trang phục thế nào khi tiếp công dân?"
    answer = compose(question, _retrieved(question))
    assert answer.answered
    # compose makes no markup of its own; the page escapes what the sources contain
    assert "<img src=x onerror=alert(1)>" in answer.text or "trang phục" in answer.text
    assert "<a " not in answer.text and "<b>" not in answer.text
