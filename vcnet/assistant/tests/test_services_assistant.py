"""The assistant's services as people meet them: asking (checked, rate limited, kept in a
conversation with its sources), rating, the review queue, and the FAQ and library that
administrators keep (staff only, PDFs checked by their content, reindexed once saved)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from vcnet.accounts.models import User
from vcnet.assistant import selectors, services
from vcnet.assistant.models import AnswerMode, Conversation, FaqEntry, LibraryDocument, Passage
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.core.ratelimit import RateLimited
from vcnet.documents.tests.factories import _font, make_encrypted_pdf, receive

pytestmark = pytest.mark.django_db

RULES = (
    "Chương II. TIẾP NHẬN VÀ GIẢI QUYẾT VĂN BẢN ĐẾN\n"
    "Điều 5. Thời hạn giải quyết văn bản đến\n"
    "1. Văn bản đến phải được giải quyết trong thời hạn 7 ngày làm việc kể từ ngày nhận.\n"
    "2. Văn bản có độ khẩn Hỏa tốc phải được giải quyết ngay trong ngày nhận.\n"
    "Điều 6. Lưu trữ hồ sơ\n"
    "Hồ sơ công việc được nộp lưu vào lưu trữ cơ quan trong thời hạn 1 năm kể từ ngày kết thúc."
)


def pdf_pages(*pages: str) -> bytes:
    """A real PDF with one line of text on each page (Vietnamese diacritics survive)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for text in pages:
        pdf.setFont(_font(), 12)
        pdf.drawString(72, 770, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a service and then what it scheduled after commit (the reindexing)."""

    def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def rules(admin: User, committed: Callable[..., Any]) -> LibraryDocument:
    document: LibraryDocument = committed(
        services.library_create,
        admin,
        title="Quy chế công tác văn thư của Ban Tuyên giáo",
        kind="Quy chế",
        number="05-QC/BTG",
        body=RULES,
    )
    return document


# --- Asking: checks ----------------------------------------------------------------------------
def test_an_empty_question_is_refused_with_a_clear_message(official: User) -> None:
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.ask(official, "   \n ")
    assert str(refused.value.message) == "Type a question first."
    assert not Conversation.objects.exists()


def test_a_question_over_1000_characters_is_refused(official: User) -> None:
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.ask(official, "Thời hạn giải quyết văn bản đến là bao lâu? " * 40)
    assert refused.value.code == "question_too_long"
    assert "at most 1000 characters" in str(refused.value.message)


def test_someone_elses_conversation_cannot_be_continued(official: User, outsider: User) -> None:
    theirs = Conversation.objects.create(user=outsider, title="Câu hỏi riêng")
    with pytest.raises(NotFound):
        services.ask(
            official, "Văn bản đến phải giải quyết trong bao lâu?", conversation_id=theirs.pk
        )
    assert not theirs.turns.exists()


def test_asking_too_often_is_rate_limited(
    official: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ASSISTANT_QUESTIONS_PER_MINUTE = 2
    # All within one rate-limit window, however slow the machine: the clock stands still.
    monkeypatch.setattr(time, "time", lambda: 1_772_438_405.0)
    services.ask(official, "Quy định về lưu trữ hồ sơ?")
    services.ask(official, "Quy định về lưu trữ hồ sơ công việc?")
    with translation.override("en"), pytest.raises(RateLimited) as limited:
        services.ask(official, "Hồ sơ nộp lưu khi nào?")
    assert limited.value.status == 429
    assert "Please wait" in str(limited.value.message)


# --- Asking: answers kept with their sources ----------------------------------------------------
def test_an_answer_from_the_library_is_kept_with_its_citations(
    official: User, rules: LibraryDocument
) -> None:
    assert Passage.objects.filter(source_type="library", source_id=str(rules.pk)).exists()

    turn = services.ask(official, "Văn bản đến phải được giải quyết trong bao nhiêu ngày?")

    assert turn.answered and turn.mode == AnswerMode.EXTRACTIVE
    assert "7 ngày làm việc" in turn.answer
    assert turn.citations and turn.citations[0]["source_type"] == "library"
    assert turn.citations[0]["source_id"] == str(rules.pk)
    assert {"n", "passage_id", "title", "heading", "page", "url", "quote"} <= set(turn.citations[0])
    assert turn.latency_ms is not None and turn.latency_ms >= 0
    conversation = turn.conversation
    assert conversation.user == official
    assert conversation.title == "Văn bản đến phải được giải quyết trong bao nhiêu ngày?"


def test_a_follow_up_goes_into_the_same_conversation_and_moves_it_up(
    official: User, rules: LibraryDocument
) -> None:
    first = services.ask(official, "Hồ sơ công việc nộp lưu trong thời hạn bao lâu? " + "x" * 80)
    assert len(first.conversation.title) == 80 and first.conversation.title.endswith("…")
    before = first.conversation.updated_at

    second = services.ask(
        official, "Còn văn bản hỏa tốc thì sao?", conversation_id=first.conversation_id
    )

    conversation = Conversation.objects.get(pk=first.conversation_id)
    assert second.conversation_id == conversation.pk
    assert conversation.updated_at > before
    assert [t.pk for t in selectors.conversation_detail(official, conversation.pk).turns.all()] == [
        first.pk,
        second.pk,
    ]


def test_nothing_relevant_is_said_plainly_and_counted_as_unanswered(
    official: User, admin: User, rules: LibraryDocument
) -> None:
    turn = services.ask(official, "Giá vàng SJC hôm nay bao nhiêu một lượng?")
    assert not turn.answered and turn.mode == AnswerMode.NONE
    assert turn.citations == []
    assert turn in selectors.review_queue(admin, kind="unanswered")


def test_an_e_office_request_lists_the_askers_documents_as_links(
    clerk: User, province: Any, committed: Callable[..., Any]
) -> None:
    # Committed, so the e-office's search index has it too.
    document = committed(
        receive, clerk, province, subject="Về việc phòng chống lũ lụt trên địa bàn tỉnh"
    )

    turn = services.ask(clerk, "tìm văn bản về phòng chống lũ lụt")

    assert turn.mode == AnswerMode.ACTION and turn.answered
    assert turn.intent == "find_documents"
    links = selectors.turn_links(turn)
    assert any(f"/{document.pk}/" in link["url"] for link in links)
    assert all(c["passage_id"] == 0 for c in turn.citations)


def test_an_faq_written_by_an_administrator_answers_a_matching_question(
    admin: User, official: User, committed: Callable[..., Any]
) -> None:
    entry = committed(
        services.faq_create,
        admin,
        question="Làm thế nào để đổi mật khẩu tài khoản VCNET?",
        answer="Vào trang Tài khoản, mục Bảo mật, chọn Đổi mật khẩu, nhập mật khẩu cũ rồi mật khẩu mới.",
    )

    turn = services.ask(official, "Tôi muốn đổi mật khẩu tài khoản VCNET thì làm thế nào?")

    assert turn.mode == AnswerMode.FAQ and turn.answered
    assert turn.answer.startswith("Vào trang Tài khoản, mục Bảo mật")
    assert turn.citations[0]["source_type"] == "faq"
    assert turn.citations[0]["source_id"] == str(entry.pk)


# --- Rating and review --------------------------------------------------------------------------
def test_only_the_asker_rates_and_a_down_vote_goes_to_review(
    official: User, outsider: User, admin: User, rules: LibraryDocument
) -> None:
    turn = services.ask(official, "Văn bản đến phải được giải quyết trong bao nhiêu ngày?")
    with pytest.raises(NotFound):
        services.rate(outsider, turn.pk, -1, "Sai")
    with translation.override("en"), pytest.raises(DomainError) as bad:
        services.rate(official, turn.pk, 5)
    assert str(bad.value.message) == "The rating must be 1, 0 or -1."

    services.rate(official, turn.pk, -1, "Thiếu trường hợp văn bản khẩn.")

    queue = list(selectors.review_queue(admin, kind="downvoted"))
    assert [t.pk for t in queue] == [turn.pk]
    assert queue[0].feedback == "Thiếu trường hợp văn bản khẩn."
    with pytest.raises(PermissionDeniedError):
        selectors.review_queue(official)

    services.turn_mark_reviewed(admin, turn.pk)

    assert not selectors.review_queue(admin).exists()
    assert AuditEntry.objects.filter(action="assistant.turn_reviewed").count() == 1


# --- FAQ and library ----------------------------------------------------------------------------
def test_only_administrators_write_the_faq_and_the_library(official: User) -> None:
    with translation.override("en"), pytest.raises(PermissionDeniedError) as refused:
        services.faq_create(official, question="Câu hỏi?", answer="Trả lời.")
    assert "Only administrators" in str(refused.value.message)
    with pytest.raises(PermissionDeniedError):
        services.library_create(official, title="Luật Phòng, chống thiên tai", body="Điều 1.")
    assert not FaqEntry.objects.exists() and not LibraryDocument.objects.exists()


def test_faq_changes_are_audited_and_reindexed(admin: User, committed: Callable[..., Any]) -> None:
    entry = committed(
        services.faq_create,
        admin,
        question="Văn bản đến được giải quyết trong bao lâu?",
        answer="Trong 7 ngày làm việc kể từ ngày nhận.",
    )
    passages = Passage.objects.filter(source_type="faq", source_id=str(entry.pk))
    assert passages.exists()

    committed(services.faq_update, admin, faq_id=entry.pk, published=False)
    assert not passages.exists()

    committed(services.faq_delete, admin, faq_id=entry.pk)
    assert not FaqEntry.objects.exists()
    actions = list(
        AuditEntry.objects.filter(action__startswith="assistant.faq")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["assistant.faq_create", "assistant.faq_update", "assistant.faq_delete"]


def test_a_library_pdf_is_read_page_by_page(admin: User, committed: Callable[..., Any]) -> None:
    upload = SimpleUploadedFile(
        "quyche.bin",  # the name does not matter, the content does
        pdf_pages(
            "Điều 1. Phạm vi điều chỉnh: công tác văn thư.",
            "Điều 2. Văn bản đến được giải quyết trong 7 ngày làm việc.",
        ),
    )
    document = committed(services.library_create, admin, title="Quy chế văn thư", upload=upload)

    assert document.pages == [
        "Điều 1. Phạm vi điều chỉnh: công tác văn thư.",
        "Điều 2. Văn bản đến được giải quyết trong 7 ngày làm việc.",
    ]
    assert "Điều 2. Văn bản đến" in document.body
    assert document.file.name.endswith(".pdf")
    pages = set(
        Passage.objects.filter(source_type="library", source_id=str(document.pk)).values_list(
            "page", flat=True
        )
    )
    assert pages == {1, 2}


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"%PDF-1.7\nkhong phai noi dung pdf", "pdf_unreadable", "not a readable PDF"),
        (b"MZ\x90\x00 a program, not a PDF", "not_pdf", "The file is not a PDF."),
        (make_encrypted_pdf(), "pdf_encrypted", "protected by a password"),
        (b"", "file_empty", "The file is empty."),
    ],
)
def test_a_library_upload_that_is_not_a_readable_pdf_is_refused(
    admin: User, data: bytes, code: str, message: str
) -> None:
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.library_create(
            admin, title="Quy chế", upload=SimpleUploadedFile("quyche.pdf", data)
        )
    assert refused.value.code == code
    assert message in str(refused.value.message)
    assert not LibraryDocument.objects.exists()


def test_a_library_pdf_over_the_size_limit_is_refused(admin: User, settings: Any) -> None:
    settings.ASSISTANT_LIBRARY_MAX_BYTES = 2000
    data = pdf_pages(*[f"Điều {n}. Nội dung quy định số {n}." for n in range(1, 40)])
    assert len(data) > 2000
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.library_create(admin, title="Quy chế", upload=SimpleUploadedFile("q.pdf", data))
    assert refused.value.status == 413
    assert "larger than" in str(refused.value.message)


def test_library_updates_and_deletion_follow_the_index(
    admin: User, rules: LibraryDocument, committed: Callable[..., Any]
) -> None:
    passages = Passage.objects.filter(source_type="library", source_id=str(rules.pk))
    committed(
        services.library_update,
        admin,
        library_id=rules.pk,
        body="Điều 1. Văn bản đi phải được đăng ký vào sổ trong ngày ký ban hành.",
    )
    texts = [p.text for p in passages.all()]
    assert any("đăng ký vào sổ" in text for text in texts)
    assert not any("7 ngày làm việc" in text for text in texts)

    committed(services.library_delete, admin, library_id=rules.pk)
    assert not passages.all().exists()
    assert AuditEntry.objects.filter(action="assistant.library_delete").exists()
