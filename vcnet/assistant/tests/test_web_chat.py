"""The chat on the page: asking with htmx (the question and its answer come back as a fragment
with citations linking to the page of the source), without JavaScript (the conversation page),
streamed from a language model (a fake server: the only external boundary), and rating."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vcnet.accounts.models import User
from vcnet.assistant import services
from vcnet.assistant.models import AnswerMode, Conversation, LibraryDocument, Turn
from vcnet.assistant.tests.test_web_pages import pdf_pages

pytestmark = pytest.mark.django_db

PAGE_ONE = "Chương I. Quy định chung về công tác văn thư của cơ quan."
PAGE_TWO = (
    "Điều 5. Văn bản đến phải được giải quyết trong thời hạn 7 ngày làm việc kể từ ngày nhận."
)
QUESTION = "Văn bản đến phải được giải quyết trong bao nhiêu ngày?"


def browser(user: User | None = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def htmx(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, HTTP_HX_REQUEST="true")


@pytest.fixture
def rules(admin: User, django_capture_on_commit_callbacks: Any) -> LibraryDocument:
    upload = SimpleUploadedFile("quy-che.pdf", pdf_pages(PAGE_ONE, PAGE_TWO))
    with django_capture_on_commit_callbacks(execute=True):
        document: LibraryDocument = services.library_create(
            admin, title="Quy chế công tác văn thư", kind="Quy chế", upload=upload
        )
    return document


def test_asking_with_htmx_appends_the_question_and_the_answer_citing_the_page(
    official: User, rules: LibraryDocument
) -> None:
    response = htmx(browser(official), "/assistant/ask/", {"question": QUESTION, "ui": "p"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="asst-turn"')
    assert QUESTION in html
    assert "7 ngày làm việc" in html
    link = f'href="/assistant/library/{rules.pk}/#page-2"'
    assert re.search(rf'<a class="asst-ref" {re.escape(link)}[^>]*>\[1\]</a>', html)
    assert f'<a class="asst-cite-link" {link}>' in html
    turn = Turn.objects.get()
    # The conversation goes on with the next question (htmx swaps this input out of band).
    assert f'id="p-conv" value="{turn.conversation_id}" hx-swap-oob="true"' in html


def test_without_javascript_the_question_lands_on_the_conversation(
    official: User, rules: LibraryDocument
) -> None:
    client = browser(official)
    response = client.post("/assistant/ask/", {"question": QUESTION})
    turn = Turn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/assistant/c/{turn.conversation_id}/#turn-{turn.pk}"
    page = client.get(f"/assistant/c/{turn.conversation_id}/").content.decode()
    assert QUESTION in page and f"/assistant/library/{rules.pk}/#page-2" in page

    # The next question continues the same conversation.
    client.post(
        "/assistant/ask/",
        {"question": "Văn bản hỏa tốc giải quyết khi nào?", "conversation": turn.conversation_id},
    )
    assert Conversation.objects.count() == 1 and Turn.objects.count() == 2


def test_a_question_with_markup_is_shown_escaped(official: User) -> None:
    question = '<img src=x onerror="alert(1)"> văn bản đến'
    html = htmx(browser(official), "/assistant/ask/", {"question": question}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; văn bản đến" in html


def test_an_answer_is_escaped_and_its_markers_link_only_to_known_sources(official: User) -> None:
    conversation = Conversation.objects.create(user=official, title="Câu hỏi")
    Turn.objects.create(
        conversation=conversation,
        question="Câu hỏi",
        answer='Theo quy chế <script>alert("x")</script> là 7 ngày [1]. Xem thêm [9].',
        answered=True,
        mode=AnswerMode.EXTRACTIVE,
        citations=[
            {
                "n": 1,
                "passage_id": 5,
                "source_type": "library",
                "source_id": "3",
                "title": "Quy chế công tác văn thư",
                "heading": "Điều 5",
                "page": 2,
                "url": "/assistant/library/3/#page-2",
                "quote": "Văn bản đến phải được giải quyết trong 7 ngày.",
            },
            {
                "n": 2,
                "passage_id": 6,
                "source_type": "library",
                "source_id": "4",
                "title": "Nguồn lạ",
                "heading": "",
                "page": None,
                "url": "javascript:alert(1)",
                "quote": "",
            },
        ],
    )
    page = browser(official).get(f"/assistant/c/{conversation.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert 'href="/assistant/library/3/#page-2"' in page
    assert "Điều 5" in page and "page 2" in page
    assert "[9]" in page  # no such source: left as text
    assert "javascript:" not in page


def test_an_empty_question_comes_back_as_a_message(official: User) -> None:
    response = htmx(browser(official), "/assistant/ask/", {"question": "  "})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "Type a question first." in response.content.decode()
    assert not Turn.objects.exists()


def test_the_panel_loads_the_conversation_it_was_showing(official: User, outsider: User) -> None:
    conversation = Conversation.objects.create(user=official, title="Lịch họp")
    Turn.objects.create(conversation=conversation, question="Lịch họp giao ban tuần này?")
    mine = browser(official).get(f"/assistant/panel/?c={conversation.pk}").content.decode()
    assert "Lịch họp giao ban tuần này?" in mine
    assert f'id="p-conv" value="{conversation.pk}"' in mine
    theirs = browser(outsider).get(f"/assistant/panel/?c={conversation.pk}").content.decode()
    assert "Lịch họp giao ban tuần này?" not in theirs
    assert 'id="p-conv" value=""' in theirs


# --- Rating ----------------------------------------------------------------------------------------
def test_thumbs_down_with_a_comment(official: User, outsider: User) -> None:
    conversation = Conversation.objects.create(user=official, title="Câu hỏi")
    turn = Turn.objects.create(conversation=conversation, question="Câu hỏi", answered=True)
    client = browser(official)
    down = htmx(client, f"/assistant/turns/{turn.pk}/rate/", {"rating": "-1", "ui": "p"})
    html = down.content.decode()
    assert 'data-thumb="down" title="Not helpful"' in html
    assert 'aria-pressed="true" data-thumb="down"' in html
    assert 'name="comment"' in html and "Thank you for your feedback." in html

    htmx(
        client,
        f"/assistant/turns/{turn.pk}/rate/",
        {"rating": "-1", "comment": "Thiếu căn cứ pháp lý", "ui": "p"},
    )
    turn.refresh_from_db()
    assert turn.rating == -1 and turn.feedback == "Thiếu căn cứ pháp lý"
    assert (
        htmx(browser(outsider), f"/assistant/turns/{turn.pk}/rate/", {"rating": "1"}).status_code
        == 404
    )


# --- Streaming from a language model ----------------------------------------------------------------
DELTAS = ["Văn bản đến phải ", "được giải quyết trong ", "7 ngày làm việc [1]."]


class FakeModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions streaming DELTAS."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for delta in DELTAS:
            chunk = {"choices": [{"index": 0, "delta": {"content": delta}}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def model(settings: Any) -> Iterator[None]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.VCNET_LLM_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def _events(response: Any) -> list[tuple[str, dict[str, Any]]]:
    text = b"".join(response.streaming_content).decode()
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_a_generated_answer_streams_to_the_page_then_shows_its_citations(
    official: User, rules: LibraryDocument, model: None
) -> None:
    client = browser(official)
    panel = client.get("/assistant/panel/").content.decode()
    assert 'data-stream="/assistant/ask/stream/"' in panel

    response = client.post("/assistant/ask/stream/", {"question": QUESTION, "ui": "p"})
    assert response["Content-Type"].startswith("text/event-stream")
    events = _events(response)
    names = [name for name, _data in events]
    turn = Turn.objects.get()
    assert names[0] == "meta" and events[0][1]["conversation"] == turn.conversation_id
    assert [data["text"] for name, data in events if name == "delta"] == DELTAS
    assert names[-1] == "done"
    done = events[-1][1]["html"]
    assert f'href="/assistant/library/{rules.pk}/#page-2"' in done
    assert turn.answer == "".join(DELTAS) and turn.mode == AnswerMode.GENERATIVE


def test_the_stream_is_protected_against_cross_site_requests(official: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    assert client.post("/assistant/ask/stream/", {"question": QUESTION}).status_code == 403


def test_a_refused_question_streams_an_error(official: User) -> None:
    response = browser(official).post("/assistant/ask/stream/", {"question": ""})
    assert response.status_code == 400
    assert _events(response) == [("error", {"message": "Type a question first."})]
