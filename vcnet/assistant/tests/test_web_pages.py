"""The assistant's pages as people meet them: who may open which page, the panel on every page
for people signed in, the library with its pages, the FAQ, and the administrators' review."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vcnet.accounts.models import User
from vcnet.assistant import services
from vcnet.assistant.models import Conversation, FaqEntry, LibraryDocument, Turn
from vcnet.documents.tests.factories import _font

pytestmark = pytest.mark.django_db

RULES = (
    "Điều 5. Thời hạn giải quyết văn bản đến\n"
    "1. Văn bản đến phải được giải quyết trong thời hạn 7 ngày làm việc kể từ ngày nhận."
)


def pdf_pages(*pages: str) -> bytes:
    """A real PDF with one line of text on each page."""
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


def browser(user: User | None = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def rules(admin: User, committed: Callable[..., Any]) -> LibraryDocument:
    document: LibraryDocument = committed(
        services.library_create,
        admin,
        title="Quy chế công tác văn thư",
        kind="Quy chế",
        number="05-QC/BTG",
        body=RULES,
    )
    return document


def _turn(user: User, question: str, *, answered: bool = False, rating: int = 0) -> Turn:
    conversation = Conversation.objects.create(user=user, title=question[:80])
    return Turn.objects.create(
        conversation=conversation,
        question=question,
        answer="Tôi không tìm thấy thông tin.",
        answered=answered,
        rating=rating,
    )


# --- Who may open what ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/assistant/",
        "/assistant/c/1/",
        "/assistant/review/",
        "/assistant/faq/new/",
        "/assistant/library/new/",
    ],
)
def test_anonymous_people_are_sent_to_sign_in(path: str) -> None:
    response = browser().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "path", ["/assistant/review/", "/assistant/faq/new/", "/assistant/library/new/"]
)
def test_staff_pages_refuse_officials(official: User, path: str) -> None:
    response = browser(official).get(path)
    assert response.status_code == 403
    assert b"administrators" in response.content


@pytest.mark.parametrize(
    "path", ["/assistant/review/", "/assistant/faq/new/", "/assistant/library/new/"]
)
def test_staff_pages_open_for_administrators(admin: User, path: str) -> None:
    assert browser(admin).get(path).status_code == 200


def test_the_library_and_faq_are_public_but_hide_what_is_unpublished(
    admin: User, rules: LibraryDocument, committed: Callable[..., Any]
) -> None:
    hidden = committed(
        services.library_create, admin, title="Dự thảo chưa công bố", body=RULES, published=False
    )
    anonymous = browser()
    listing = anonymous.get("/assistant/library/").content.decode()
    assert "Quy chế công tác văn thư" in listing
    assert "Dự thảo chưa công bố" not in listing
    assert anonymous.get(f"/assistant/library/{rules.pk}/").status_code == 200
    assert anonymous.get(f"/assistant/library/{hidden.pk}/").status_code == 404
    assert anonymous.get("/assistant/faq/").status_code == 200
    assert "Dự thảo chưa công bố" in browser(admin).get("/assistant/library/").content.decode()


def test_a_conversation_is_only_for_its_owner(official: User, outsider: User) -> None:
    turn = _turn(official, "Thời hạn giải quyết văn bản đến là bao lâu?")
    path = f"/assistant/c/{turn.conversation_id}/"
    mine = browser(official).get(path)
    assert mine.status_code == 200
    assert "Thời hạn giải quyết văn bản đến là bao lâu?" in mine.content.decode()
    assert browser(outsider).get(path).status_code == 404


def test_the_full_chat_lists_the_persons_conversations_only(official: User, outsider: User) -> None:
    _turn(official, "Câu hỏi của chuyên viên Nghệ An")
    _turn(outsider, "Câu hỏi của chuyên viên Hà Tĩnh")
    page = browser(official).get("/assistant/").content.decode()
    assert "Câu hỏi của chuyên viên Nghệ An" in page
    assert "Câu hỏi của chuyên viên Hà Tĩnh" not in page


# --- The panel on every page ---------------------------------------------------------------------
def test_the_panel_is_on_the_home_page_for_people_signed_in(official: User) -> None:
    page = browser(official).get("/").content.decode()
    assert 'id="asst-panel"' in page
    assert "data-asst-open" in page
    assert "/assistant/panel/" in page
    assert "assistant/assistant.js" in page


def test_the_panel_is_absent_for_anonymous_people() -> None:
    page = browser().get("/").content.decode()
    assert "asst-panel" not in page
    assert "assistant/assistant.js" not in page


def test_the_launcher_offers_the_assistant_to_people_signed_in(citizen: User) -> None:
    page = browser(citizen).get("/").content.decode()
    assert 'href="/assistant/"' in page


# --- Library ---------------------------------------------------------------------------------------
def test_an_administrator_uploads_a_pdf_and_its_pages_have_anchors(admin: User) -> None:
    upload = SimpleUploadedFile(
        "quy-che.pdf",
        pdf_pages("Chương I. Quy định chung", "Điều 5. Văn bản đến giải quyết trong 7 ngày."),
        content_type="application/pdf",
    )
    client = browser(admin)
    response = client.post(
        "/assistant/library/new/",
        {"title": "Quy chế văn thư 2025", "kind": "Quy chế", "published": "on", "pdf": upload},
    )
    document = LibraryDocument.objects.get(title="Quy chế văn thư 2025")
    assert response.status_code == 302
    assert response["Location"] == f"/assistant/library/{document.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'id="page-1"' in page and 'id="page-2"' in page
    assert "Điều 5. Văn bản đến giải quyết trong 7 ngày." in page


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(admin: User) -> None:
    upload = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = browser(admin).post(
        "/assistant/library/new/", {"title": "Tệp giả mạo", "published": "on", "pdf": upload}
    )
    assert response.status_code == 200
    assert "The file is not a PDF." in response.content.decode()
    assert not LibraryDocument.objects.exists()


def test_the_library_search_ignores_diacritics(
    rules: LibraryDocument, admin: User, committed: Callable[..., Any]
) -> None:
    committed(services.library_create, admin, title="Quy định về lưu trữ hồ sơ", body="Lưu trữ.")
    page = browser().get("/assistant/library/", {"q": "lam viec ke tu ngay nhan"}).content.decode()
    assert "Quy chế công tác văn thư" in page
    assert "Quy định về lưu trữ hồ sơ" not in page


def test_an_administrator_edits_and_deletes_a_library_document(
    admin: User, rules: LibraryDocument
) -> None:
    client = browser(admin)
    response = client.post(
        f"/assistant/library/{rules.pk}/edit/",
        {"title": "Quy chế công tác văn thư (sửa đổi)", "body": RULES, "published": "on"},
    )
    assert response.status_code == 302
    rules.refresh_from_db()
    assert rules.title == "Quy chế công tác văn thư (sửa đổi)"
    assert client.post(f"/assistant/library/{rules.pk}/delete/").status_code == 302
    assert not LibraryDocument.objects.filter(pk=rules.pk).exists()


# --- FAQ -------------------------------------------------------------------------------------------
def test_an_faq_answer_is_shown_escaped_with_its_anchor(admin: User) -> None:
    entry = FaqEntry.objects.create(
        question="Làm sao đổi mật khẩu? <b>gấp</b>",
        answer='Vào trang cá nhân. <script>alert("xss")</script>',
    )
    page = browser().get("/assistant/faq/").content.decode()
    assert f'id="faq-{entry.pk}"' in page
    assert '<script>alert("xss")</script>' not in page
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
    assert "<b>gấp</b>" not in page


def test_an_administrator_writes_an_faq_entry(admin: User) -> None:
    response = browser(admin).post(
        "/assistant/faq/new/",
        {
            "question": "Ai ký văn bản đi?",
            "answer": "Trưởng ban hoặc người được ủy quyền.",
            "published": "on",
        },
    )
    entry = FaqEntry.objects.get(question="Ai ký văn bản đi?")
    assert response["Location"] == f"/assistant/faq/#faq-{entry.pk}"
    assert (
        "Trưởng ban hoặc người được ủy quyền." in browser().get("/assistant/faq/").content.decode()
    )


# --- Review ----------------------------------------------------------------------------------------
def test_the_review_lists_unanswered_and_downvoted_questions_with_filters(
    admin: User, official: User
) -> None:
    _turn(official, "Giá vé tham quan bảo tàng là bao nhiêu?")
    downvoted = _turn(official, "Ai duyệt kế hoạch tuyên truyền?", answered=True, rating=-1)
    downvoted.feedback = "Trả lời sai người duyệt"
    downvoted.save()
    _turn(official, "Câu hỏi đã được trả lời tốt", answered=True, rating=1)
    client = browser(admin)

    everything = client.get("/assistant/review/").content.decode()
    assert "Giá vé tham quan bảo tàng là bao nhiêu?" in everything
    assert "Ai duyệt kế hoạch tuyên truyền?" in everything
    assert "Trả lời sai người duyệt" in everything
    assert "Câu hỏi đã được trả lời tốt" not in everything

    downvoted_only = client.get("/assistant/review/", {"kind": "downvoted"}).content.decode()
    assert "Ai duyệt kế hoạch tuyên truyền?" in downvoted_only
    assert "Giá vé tham quan bảo tàng là bao nhiêu?" not in downvoted_only


def test_write_an_faq_answer_is_prefilled_and_marks_the_question_reviewed(
    admin: User, official: User
) -> None:
    turn = _turn(official, "Giờ làm việc của bộ phận một cửa?")
    client = browser(admin)
    review = client.get("/assistant/review/").content.decode()
    assert f"/assistant/faq/new/?turn={turn.pk}" in review
    form = client.get(f"/assistant/faq/new/?turn={turn.pk}").content.decode()
    assert "Giờ làm việc của bộ phận một cửa?</textarea>" in form

    client.post(
        f"/assistant/faq/new/?turn={turn.pk}",
        {
            "question": "Giờ làm việc của bộ phận một cửa?",
            "answer": "Từ 7 giờ 30 đến 17 giờ, thứ Hai đến thứ Sáu.",
            "published": "on",
            "turn": turn.pk,
        },
    )
    turn.refresh_from_db()
    assert turn.reviewed_at is not None
    assert (
        "Giờ làm việc của bộ phận một cửa?" not in client.get("/assistant/review/").content.decode()
    )


def test_mark_reviewed_removes_the_question_from_the_queue(admin: User, official: User) -> None:
    turn = _turn(official, "Câu hỏi ngoài phạm vi")
    client = browser(admin)
    response = client.post(f"/assistant/review/{turn.pk}/done/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    turn.refresh_from_db()
    assert turn.reviewed_by == admin
    assert browser(official).post(f"/assistant/review/{turn.pk}/done/").status_code == 403
