"""Retrieval finds the passage that answers: typed without diacritics, paraphrased with none of
its words, or with accents that folding alone would confuse; the vectors follow new passages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vcnet.assistant import indexing, knowledge, retrieval, vectors
from vcnet.assistant.models import FaqEntry, LibraryDocument, Passage, SourceType
from vcnet.assistant.types import Retrieved

pytestmark = pytest.mark.django_db

FLOOD = (
    "Điều 4. Hỗ trợ hộ gia đình bị thiệt hại do lũ\n"
    "Hộ gia đình có nhà ở bị sập đổ, cuốn trôi do lũ được hỗ trợ 40 triệu đồng mỗi hộ; "
    "nhà ở bị hư hỏng nặng được hỗ trợ 20 triệu đồng mỗi hộ."
)
CHILDREN = "Trẻ em dưới sáu tuổi được cấp thẻ bảo hiểm y tế miễn phí."
OTHERS = [
    "Điều 2. Văn bản hỏa tốc\nVăn bản có độ khẩn Hỏa tốc phải được chuyển ngay cho lãnh đạo và "
    "giải quyết trong ngày nhận, kể cả ngoài giờ hành chính và ngày nghỉ.",
    "Điều 3. Lưu trữ hồ sơ\nHồ sơ công việc được nộp lưu vào lưu trữ cơ quan trong thời hạn một "
    "năm kể từ ngày công việc kết thúc, theo danh mục hồ sơ đã được phê duyệt.",
    "Cán bộ, công chức được nghỉ phép hằng năm mười hai ngày làm việc.",
]


def library(title: str, body: str, **fields: object) -> LibraryDocument:
    document = LibraryDocument.objects.create(title=title, body=body, **fields)
    indexing.index_source(knowledge.library_source(document))
    return document


def faq(question: str, answer: str) -> FaqEntry:
    entry = FaqEntry.objects.create(question=question, answer=answer)
    indexing.index_source(knowledge.faq_source(entry))
    return entry


def of(results: list[Retrieved], source_type: str, source_id: object) -> list[Retrieved]:
    return [r for r in results if r.source_type == source_type and r.source_id == str(source_id)]


def test_a_question_typed_without_diacritics_finds_the_accented_passage(citizen: object) -> None:
    flood = library("Chính sách hỗ trợ khắc phục hậu quả thiên tai", FLOOD, kind="Nghị định")
    for n, text in enumerate(OTHERS):
        library(f"Quy định số {n + 1}", text)

    results = retrieval.retrieve(citizen, "ho tro ho gia dinh bi thiet hai do lu")

    best = results[0]
    assert (best.source_type, best.source_id) == (SourceType.LIBRARY, str(flood.pk))
    assert best.lexical_rank == 1 and best.dense_rank is not None
    assert "40 triệu đồng" in best.text
    assert best.url == reverse("assistant:library_detail", args=[flood.pk])
    # An unaccented question weighs the dense leg at half: its vectors are less sure of it.
    expected = 1 / 61 + retrieval.UNACCENTED_DENSE_WEIGHT / (60 + best.dense_rank)
    assert best.score == pytest.approx(expected, abs=1e-5)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_a_paraphrase_sharing_no_word_is_found_by_the_vectors(citizen: object) -> None:
    children = library("Chính sách bảo hiểm y tế trẻ em", CHILDREN)
    for n, text in enumerate([FLOOD, *OTHERS]):
        library(f"Quy định số {n + 1}", text)

    results = retrieval.retrieve(citizen, "con nhỏ đi khám chữa bệnh có mất tiền không", k=3)

    best = results[0]
    assert (best.source_type, best.source_id) == (SourceType.LIBRARY, str(children.pk))
    assert best.lexical_rank is None  # not one word in common
    assert best.dense_rank == 1
    assert best.dense_score is not None and best.dense_score > 0.8
    assert len(results) == 3


def test_accents_as_typed_separate_words_that_fold_alike(citizen: object) -> None:
    post_news = faq(
        "Làm sao để đăng tin lên trang của cơ quan?",
        "Biên tập viên đăng tin từ mục Bài viết mới, sau khi lãnh đạo duyệt.",
    )
    kinds = faq(
        "Trang của cơ quan có những dạng tin nào?",
        "Có ba dạng tin: thông báo, tin hoạt động và văn bản chỉ đạo.",
    )
    faq("Tin bài đang chờ duyệt ở đâu?", "Tin đang chờ duyệt nằm trong mục Chờ duyệt.")

    assert of(retrieval.retrieve(citizen, "đăng tin")[:1], SourceType.FAQ, post_news.pk)
    assert of(retrieval.retrieve(citizen, "dạng tin")[:1], SourceType.FAQ, kinds.pk)
    # Typed without accents, every one of them is found.
    assert len(retrieval.retrieve(citizen, "dang tin")) == 3


def test_an_empty_question_or_no_passage_finds_nothing(citizen: object) -> None:
    assert retrieval.retrieve(citizen, "   ") == []
    assert retrieval.retrieve(citizen, "hỗ trợ lũ lụt") == []


def test_only_the_source_types_asked_for_are_searched(citizen: object) -> None:
    library("Chính sách hỗ trợ khắc phục hậu quả thiên tai", FLOOD)
    entry = faq("Nhà bị lũ cuốn trôi được hỗ trợ bao nhiêu?", "Mỗi hộ được hỗ trợ 40 triệu đồng.")

    results = retrieval.retrieve(
        citizen, "hỗ trợ nhà bị lũ cuốn trôi", source_types=[SourceType.FAQ]
    )

    assert [(r.source_type, r.source_id) for r in results] == [(SourceType.FAQ, str(entry.pk))]
    assert results[0].url.endswith(f"#faq-{entry.pk}")


def test_the_vectors_follow_new_changed_and_removed_passages(citizen: object) -> None:
    store = vectors.store()
    library("Quy định lưu trữ", OTHERS[1])
    assert retrieval.retrieve(citizen, "lưu trữ hồ sơ")
    before = dict(store.reloads)

    children = library("Chính sách bảo hiểm y tế trẻ em", CHILDREN)
    results = retrieval.retrieve(citizen, "con nhỏ đi khám chữa bệnh có mất tiền không")

    assert of(results[:1], SourceType.LIBRARY, children.pk)
    assert store.reloads["incremental"] == before["incremental"] + 1  # only the new rows read
    assert store.reloads["full"] == before["full"]
    snapshot = store.snapshot()
    assert snapshot.ids.size == Passage.objects.count()

    # Rewritten with other text: the same passage row gets a new vector.
    children.body = FLOOD
    children.save()
    indexing.index_source(knowledge.library_source(children))
    results = retrieval.retrieve(citizen, "nhà bị sập đổ do lũ được hỗ trợ bao nhiêu")
    assert of(results[:1], SourceType.LIBRARY, children.pk)

    # Removed: the store drops it on the next question.
    indexing.remove_source(SourceType.LIBRARY, children.pk)
    results = retrieval.retrieve(citizen, "nhà bị sập đổ do lũ được hỗ trợ bao nhiêu")
    assert not of(results, SourceType.LIBRARY, children.pk)
    assert store.snapshot().ids.size == Passage.objects.count()
    assert not Passage.objects.filter(
        source_type=SourceType.LIBRARY, source_id=str(children.pk)
    ).exists()
