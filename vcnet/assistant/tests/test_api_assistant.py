"""The assistant API as a phone or a tool uses it: ask with a session or a bearer token, read my
conversations, rate answers; administrators review questions and keep the FAQ and the library.
Others' conversations and questions answer 404, non-administrators 403, bad input problem+json."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import json
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from ninja import Schema
from oauth2_provider.models import AccessToken, Application

from vcnet.accounts.models import User
from vcnet.assistant import api
from vcnet.assistant.models import FaqEntry, LibraryDocument, Turn
from vcnet.core.management.commands.openapi import openapi_text
from vcnet.documents.tests.factories import _font, make_encrypted_pdf

pytestmark = pytest.mark.django_db

API = "/api/v1/assistant"
PROBLEM = "application/problem+json"
RULES = (
    "Điều 5. Thời hạn giải quyết văn bản đến\n"
    "1. Văn bản đến phải được giải quyết trong thời hạn 7 ngày làm việc kể từ ngày nhận.\n"
    "2. Văn bản có độ khẩn Hỏa tốc phải được giải quyết ngay trong ngày nhận."
)
QUESTION = "Văn bản đến phải được giải quyết trong bao nhiêu ngày?"


def as_user(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def send(client: Client, url: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem+json body of an error answer with that status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def token(user: User, scope: str = "read write") -> str:
    application = Application.objects.create(
        name="Ứng dụng VCNET cho điện thoại",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="vn.vcnet.app://oauth",
    )
    issued = AccessToken.objects.create(
        user=user,
        application=application,
        token=f"tro-ly-{user.pk}-{scope.replace(' ', '-')}",
        expires=timezone.now() + dt.timedelta(hours=1),
        scope=scope,
    )
    return f"Bearer {issued.token}"


def pdf_pages(*pages: str) -> bytes:
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
def rules(admin: User, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """The administrator adds the office rules to the library (indexed once committed)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            as_user(admin),
            f"{API}/library",
            {"title": "Quy chế công tác văn thư", "number": "05-QC/BTG", "body": RULES},
        )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


# --- Asking ---------------------------------------------------------------------------------------
def test_a_question_is_answered_with_citations_and_kept(
    official: User, rules: dict[str, Any]
) -> None:
    client = as_user(official)
    response = send(client, f"{API}/ask", {"question": QUESTION})
    assert response.status_code == 200, response.content
    turn = response.json()
    assert turn["answered"] and turn["mode"] == "extractive"
    assert "7 ngày làm việc" in turn["answer"]
    assert "[1]" in turn["answer"]
    assert turn["citations"][0]["source_type"] == "library"
    assert turn["citations"][0]["source_id"] == str(rules["id"])
    assert turn["links"] == []

    stored = Turn.objects.get(pk=turn["id"])
    assert stored.citations[0]["passage_id"] == turn["citations"][0]["passage_id"]

    listed = client.get(f"{API}/conversations").json()
    assert [c["id"] for c in listed["items"]] == [turn["conversation_id"]]
    assert listed["items"][0]["title"] == QUESTION and listed["items"][0]["turn_count"] == 1
    detail = client.get(f"{API}/conversations/{turn['conversation_id']}").json()
    assert [t["id"] for t in detail["turns"]] == [turn["id"]]


def test_a_phone_app_asks_with_a_bearer_token(official: User, rules: dict[str, Any]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    read_only = token(official, "read")
    problem(send(client, f"{API}/ask", {"question": QUESTION}, HTTP_AUTHORIZATION=read_only), 403)

    writer = token(official)
    response = send(client, f"{API}/ask", {"question": QUESTION}, HTTP_AUTHORIZATION=writer)
    assert response.status_code == 200, response.content
    listed = client.get(f"{API}/conversations", HTTP_AUTHORIZATION=read_only)
    assert listed.json()["items"][0]["id"] == response.json()["conversation_id"]


def test_anonymous_callers_are_asked_to_sign_in() -> None:
    problem(send(Client(), f"{API}/ask", {"question": QUESTION}), 401)


@pytest.mark.parametrize(
    ("question", "code", "words"),
    [
        ("", "question_empty", "Type a question first."),
        ("  ", "question_empty", "Type a question first."),
        ("Văn bản đến? " * 100, "question_too_long", "at most 1000 characters"),
    ],
)
def test_bad_questions_get_a_clear_problem(
    official: User, question: str, code: str, words: str
) -> None:
    body = problem(send(as_user(official), f"{API}/ask", {"question": question}), 400)
    assert body["code"] == code
    assert words in body["detail"]


def test_asking_too_often_answers_429(
    official: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ASSISTANT_QUESTIONS_PER_MINUTE = 1
    client = as_user(official)
    # Both within one rate-limit window, however slow the machine: the clock stands still.
    monkeypatch.setattr(time, "time", lambda: 1_772_438_405.0)
    assert send(client, f"{API}/ask", {"question": "Lưu trữ hồ sơ?"}).status_code == 200
    body = problem(send(client, f"{API}/ask", {"question": "Lưu trữ hồ sơ thế nào?"}), 429)
    assert "Please wait" in body["detail"]


# --- Others' conversations and questions ---------------------------------------------------------
def test_someone_elses_conversation_and_question_are_not_found(
    official: User, outsider: User, rules: dict[str, Any]
) -> None:
    mine = send(as_user(official), f"{API}/ask", {"question": QUESTION}).json()
    theirs = as_user(outsider)

    problem(theirs.get(f"{API}/conversations/{mine['conversation_id']}"), 404)
    assert theirs.get(f"{API}/conversations").json()["items"] == []
    problem(
        send(
            theirs,
            f"{API}/ask",
            {"question": "Còn văn bản khẩn?", "conversation_id": mine["conversation_id"]},
        ),
        404,
    )
    problem(send(theirs, f"{API}/turns/{mine['id']}/rating", {"rating": -1}), 404)
    assert Turn.objects.get(pk=mine["id"]).rating == 0


# --- Rating and review ---------------------------------------------------------------------------
def test_a_down_vote_reaches_the_review_queue_until_marked_reviewed(
    official: User, admin: User, rules: dict[str, Any]
) -> None:
    client = as_user(official)
    turn = send(client, f"{API}/ask", {"question": QUESTION}).json()
    rated = send(
        client,
        f"{API}/turns/{turn['id']}/rating",
        {"rating": -1, "comment": "Thiếu trường hợp văn bản mật."},
    )
    assert rated.status_code == 200, rated.content
    assert rated.json()["rating"] == -1

    reviewer = as_user(admin)
    queue = reviewer.get(f"{API}/review?kind=downvoted").json()
    assert [item["id"] for item in queue["items"]] == [turn["id"]]
    assert queue["items"][0]["feedback"] == "Thiếu trường hợp văn bản mật."
    assert queue["items"][0]["asker"] == str(official)

    done = send(reviewer, f"{API}/review/{turn['id']}/done")
    assert done.status_code == 200, done.content
    assert reviewer.get(f"{API}/review").json()["items"] == []


def test_a_bad_rating_is_a_clear_problem(official: User, rules: dict[str, Any]) -> None:
    client = as_user(official)
    turn = send(client, f"{API}/ask", {"question": QUESTION}).json()
    body = problem(send(client, f"{API}/turns/{turn['id']}/rating", {"rating": 3}), 400)
    assert body["detail"] == "The rating must be 1, 0 or -1."


def test_an_unanswered_question_is_in_the_review_queue(official: User, admin: User) -> None:
    turn = send(as_user(official), f"{API}/ask", {"question": "Giá vàng SJC hôm nay?"}).json()
    assert not turn["answered"] and turn["citations"] == []
    queue = as_user(admin).get(f"{API}/review?kind=unanswered").json()
    assert [item["id"] for item in queue["items"]] == [turn["id"]]
    problem(as_user(admin).get(f"{API}/review?kind=everything"), 422)


def test_non_administrators_cannot_review_or_edit_the_faq_and_library(
    official: User, rules: dict[str, Any]
) -> None:
    client = as_user(official)
    problem(client.get(f"{API}/review"), 403)
    problem(send(client, f"{API}/review/1/done"), 403)
    problem(send(client, f"{API}/faq", {"question": "Hỏi?", "answer": "Đáp."}), 403)
    problem(put(client, f"{API}/library/{rules['id']}", {"title": "Đổi tên"}), 403)
    problem(client.delete(f"{API}/library/{rules['id']}"), 403)
    upload = {"title": "Luật", "file": io.BytesIO(pdf_pages("Điều 1."))}
    problem(client.post(f"{API}/library", upload), 403)
    assert not FaqEntry.objects.exists()
    assert LibraryDocument.objects.get().title == "Quy chế công tác văn thư"
    # Reading the public FAQ and library is for everyone signed in.
    assert client.get(f"{API}/library").json()["items"][0]["id"] == rules["id"]
    assert client.get(f"{API}/library/{rules['id']}").json()["body"] == RULES


# --- FAQ -----------------------------------------------------------------------------------------
def test_an_faq_written_by_an_administrator_answers_the_question(
    admin: User, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    asked = send(
        as_user(official), f"{API}/ask", {"question": "Làm sao để đổi mật khẩu tài khoản VCNET?"}
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        created = send(
            as_user(admin),
            f"{API}/faq",
            {
                "question": "Làm thế nào để đổi mật khẩu tài khoản VCNET?",
                "answer": "Vào trang Tài khoản, mục Bảo mật, chọn Đổi mật khẩu rồi nhập mật khẩu mới.",
                "from_turn_id": asked["id"],
            },
        )
    assert created.status_code == 201, created.content
    # Writing the answer dealt with the question it came from.
    assert as_user(admin).get(f"{API}/review").json()["items"] == []

    turn = send(
        as_user(official),
        f"{API}/ask",
        {"question": "Tôi muốn đổi mật khẩu tài khoản VCNET thì làm thế nào?"},
    ).json()
    assert turn["mode"] == "faq", turn
    assert turn["answer"].startswith("Vào trang Tài khoản, mục Bảo mật")
    assert turn["citations"][0]["source_id"] == str(created.json()["id"])


def test_faq_is_edited_and_deleted_by_administrators(admin: User, official: User) -> None:
    client = as_user(admin)
    created = send(client, f"{API}/faq", {"question": "Hỏi?", "answer": "Đáp.", "published": False})
    entry = created.json()
    assert as_user(official).get(f"{API}/faq").json()["items"] == []
    problem(as_user(official).get(f"{API}/faq/{entry['id']}"), 404)

    changed = put(client, f"{API}/faq/{entry['id']}", {"published": True, "answer": "Đáp lại."})
    assert changed.json()["answer"] == "Đáp lại." and changed.json()["published"]
    assert as_user(official).get(f"{API}/faq/{entry['id']}").status_code == 200
    body = problem(put(client, f"{API}/faq/{entry['id']}", {"answer": "  "}), 400)
    assert body["detail"] == "Write the answer."

    assert client.delete(f"{API}/faq/{entry['id']}").status_code == 204
    problem(client.get(f"{API}/faq/{entry['id']}"), 404)


# --- Library -------------------------------------------------------------------------------------
def test_an_administrator_uploads_a_library_pdf(
    admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    data = pdf_pages(
        "Điều 1. Phạm vi điều chỉnh: công tác văn thư.",
        "Điều 2. Văn bản đến được giải quyết trong 7 ngày làm việc.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(admin).post(
            f"{API}/library",
            {
                "title": "Quy chế văn thư",
                "kind": "Quy chế",
                "issued_date": "2026-01-15",
                "effective_date": "",
                "file": io.BytesIO(data),
            },
        )
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["has_pdf"] and document["page_count"] == 2
    assert document["pages"][1] == "Điều 2. Văn bản đến được giải quyết trong 7 ngày làm việc."
    assert document["issued_date"] == "2026-01-15" and document["effective_date"] is None


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        (b"GIF89a not a pdf at all", 400, "The file is not a PDF."),
        (b"%PDF-1.4\n%%EOF broken", 400, "not a readable PDF"),
        (make_encrypted_pdf(), 400, "protected by a password"),
    ],
)
def test_bad_library_uploads_get_a_clear_problem(
    admin: User, data: bytes, status: int, words: str
) -> None:
    upload = io.BytesIO(data)
    upload.name = "quyche.pdf"
    body = problem(
        as_user(admin).post(f"{API}/library", {"title": "Quy chế", "file": upload}), status
    )
    assert words in body["detail"]
    assert not LibraryDocument.objects.exists()


def test_a_huge_library_upload_is_refused(admin: User, settings: Any) -> None:
    settings.ASSISTANT_LIBRARY_MAX_BYTES = 4096
    upload = io.BytesIO(b"%PDF-1.7\n" + b"0" * 10_000)
    upload.name = "lon.pdf"
    body = problem(as_user(admin).post(f"{API}/library", {"title": "Quy chế", "file": upload}), 413)
    assert "larger than" in body["detail"]


def test_library_input_is_validated(admin: User) -> None:
    client = as_user(admin)
    body = problem(send(client, f"{API}/library", {"title": "Quy chế"}), 400)
    assert "has no text" in body["detail"]
    body = problem(send(client, f"{API}/library", {"body": "Điều 1."}), 422)
    assert body["errors"][0]["field"] == "title"
    body = problem(client.post(f"{API}/library", "{", content_type="application/json"), 400)
    assert body["detail"] == "The request body is not valid JSON."


# --- The OpenAPI document ------------------------------------------------------------------------
def test_the_assistant_schemas_keep_their_own_names_in_the_openapi_document() -> None:
    schemas = json.loads(openapi_text())["components"]["schemas"]
    ours = [
        value
        for value in vars(api).values()
        if isinstance(value, type)
        and issubclass(value, Schema)
        and value.__module__ == api.__name__
        and "[" not in value.__name__  # CursorPage[X]: the base of a named page
    ]
    assert len(ours) > 15
    for schema in ours:
        assert schema.__name__.startswith("Assistant")
        if schema.__name__ in schemas:
            documented = schemas[schema.__name__]["description"]
            assert documented == inspect.cleandoc(schema.__doc__ or ""), schema.__name__


def test_a_library_pdf_is_replaced_and_its_text_read_again(
    admin: User, rules: dict[str, Any]
) -> None:
    client = as_user(admin)
    new = io.BytesIO(pdf_pages("Điều 1. Văn bản đi được đăng ký trong ngày ký."))
    new.name = "moi.pdf"
    response = client.post(f"{API}/library/{rules['id']}/file", {"file": new})
    assert response.status_code == 200, response.content
    document = response.json()
    assert document["has_pdf"] and document["pages"] == [
        "Điều 1. Văn bản đi được đăng ký trong ngày ký."
    ]
    assert document["body"] == "Điều 1. Văn bản đi được đăng ký trong ngày ký."

    changed = put(client, f"{API}/library/{rules['id']}", {"issued_date": "2025-12-31"}).json()
    assert changed["issued_date"] == "2025-12-31" and changed["title"] == rules["title"]
    cleared = put(client, f"{API}/library/{rules['id']}", {"issued_date": None}).json()
    assert cleared["issued_date"] is None


# --- Lists stay cheap ----------------------------------------------------------------------------
def test_lists_take_a_fixed_number_of_queries(
    official: User, admin: User, django_assert_max_num_queries: Any
) -> None:
    client = as_user(official)
    for n in range(3):
        send(client, f"{API}/ask", {"question": f"Câu hỏi thứ {n} về giá vàng hôm nay?"})
    reviewer = as_user(admin)
    reviewer.get(f"{API}/review")  # the session is loaded once
    client.get(f"{API}/conversations")
    with django_assert_max_num_queries(4):
        assert len(client.get(f"{API}/conversations").json()["items"]) == 3
    with django_assert_max_num_queries(4):
        assert len(reviewer.get(f"{API}/review").json()["items"]) == 3
