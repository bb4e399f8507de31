"""Generated answers: streamed from an OpenAI-compatible server (a fake one here, the only
external boundary), saved on the question once done; when the server fails, the extractive
answer is given instead; e-office requests and FAQ answers come whole."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from vcnet.accounts.models import User
from vcnet.assistant import services
from vcnet.assistant.models import AnswerMode, LibraryDocument, Turn

pytestmark = pytest.mark.django_db

RULES = (
    "Điều 5. Thời hạn giải quyết văn bản đến\n"
    "1. Văn bản đến phải được giải quyết trong thời hạn 7 ngày làm việc kể từ ngày nhận.\n"
    "2. Văn bản có độ khẩn Hỏa tốc phải được giải quyết ngay trong ngày nhận."
)
QUESTION = "Văn bản đến phải được giải quyết trong bao nhiêu ngày?"
DELTAS = ["Văn bản đến phải ", "được giải quyết trong ", "7 ngày làm việc [1]."]


class FakeModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions that streams DELTAS, or fails with 500."""

    failing = False

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if not self.path.endswith("/chat/completions") or self.failing:
            self.send_response(500)
            self.end_headers()
            return
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


class FailingModel(FakeModel):
    failing = True


def _serve(handler: type[BaseHTTPRequestHandler], settings: Any) -> Iterator[None]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.VCNET_LLM_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def model(settings: Any) -> Iterator[None]:
    yield from _serve(FakeModel, settings)


@pytest.fixture
def broken_model(settings: Any) -> Iterator[None]:
    yield from _serve(FailingModel, settings)


@pytest.fixture
def rules(admin: User, django_capture_on_commit_callbacks: Any) -> LibraryDocument:
    with django_capture_on_commit_callbacks(execute=True):
        document: LibraryDocument = services.library_create(
            admin, title="Quy chế công tác văn thư", body=RULES
        )
    return document


def test_a_generated_answer_is_streamed_and_then_saved(
    official: User, rules: LibraryDocument, model: None
) -> None:
    turn, deltas = services.ask_generative(official, QUESTION)
    assert turn.pk and turn.mode == AnswerMode.GENERATIVE
    assert turn.citations and turn.citations[0]["source_id"] == str(rules.pk)

    assert list(deltas) == DELTAS

    saved = Turn.objects.get(pk=turn.pk)
    assert saved.answer == "".join(DELTAS)
    assert saved.mode == AnswerMode.GENERATIVE and saved.answered
    assert saved.latency_ms is not None


def test_when_the_model_fails_the_extractive_answer_is_given(
    official: User, rules: LibraryDocument, broken_model: None
) -> None:
    turn, deltas = services.ask_generative(official, QUESTION)
    text = "".join(deltas)

    assert "7 ngày làm việc" in text
    saved = Turn.objects.get(pk=turn.pk)
    assert saved.mode == AnswerMode.EXTRACTIVE and saved.answered
    assert saved.answer.strip() == text.strip()
    assert saved.citations


def test_nothing_relevant_is_not_sent_to_the_model(official: User, broken_model: None) -> None:
    turn, deltas = services.ask_generative(official, "Giá vàng SJC hôm nay bao nhiêu?")
    assert len(list(deltas)) == 1
    assert not Turn.objects.get(pk=turn.pk).answered
