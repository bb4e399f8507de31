"""The assistant's demo corpus and its question set: the answers are found, and nothing leaks.

One test loads everything (the demo organisation, the e-office demo and the assistant demo, then
the index: slow) and checks what `vcnet assistant evaluate` reports.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from vcnet.accounts.demo import demo_email, demo_load
from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import User
from vcnet.assistant import demo as assistant_demo
from vcnet.assistant.evaluation import evaluate, load_questions
from vcnet.assistant.models import FaqEntry, LibraryDocument, Passage, SourceType
from vcnet.documents import demo as documents_demo
from vcnet.documents.models import Confidentiality, Document


def test_question_set_is_big_enough_and_balanced() -> None:
    data = load_questions()
    qa = data["qa"]
    assert len(qa) >= 60
    counts = {
        v: sum(1 for q in qa if q["variant"] == v) for v in ("accented", "unaccented", "paraphrase")
    }
    assert min(counts.values()) >= len(qa) // 4
    assert {q["expect"]["source_type"] for q in qa} == {"library", "faq", "document"}
    assert all(q["fact"] for q in qa)
    assert len(data["permission"]) >= 3


def test_library_files_have_legal_structure() -> None:
    texts = assistant_demo.library_texts()
    assert len(texts) == 8
    for text in texts:
        assert text.number and text.issuer and text.issued_date
        assert "Chương I" in text.body and "Điều 1." in text.body
        assert len(text.body.split()) >= 900
    assert sum(1 for t in texts if t.pdf) >= 3


@pytest.mark.django_db
def test_demo_corpus_answers_the_question_set_without_leaks(
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.EXCHANGE_HUB_DIR = tmp_path / "hub"
    settings.MEDIA_ROOT = tmp_path / "media"
    # Shorter letters in the e-office demo: extracting forty full pages is what makes it slow.
    monkeypatch.setattr("vcnet.documents.demo_data.BODY", ("Đề nghị các đồng chí thực hiện./.",))
    demo_load()
    out = io.StringIO()
    with translation.override("en"):
        with django_capture_on_commit_callbacks(execute=True):
            documents_demo.load_demo(out)
        with django_capture_on_commit_callbacks(execute=True):
            assistant_demo.load_demo(out)
        assert "Assistant demo loaded" in out.getvalue()

        # The library (some with PDF pages), the FAQ and the secret document are there, indexed.
        assert LibraryDocument.objects.filter(published=True).count() == 8
        with_pages = LibraryDocument.objects.exclude(pages=[])
        assert with_pages.count() >= 3
        assert all(len(d.pages) >= 2 for d in with_pages)
        assert FaqEntry.objects.count() == 12
        secret = Document.objects.get(subject=assistant_demo.CONFIDENTIAL_SUBJECT)
        assert secret.confidentiality == Confidentiality.SECRET
        assert Passage.objects.filter(document_id=secret.pk).exists()
        assert (
            Passage.objects.filter(source_type=SourceType.LIBRARY, page__gte=2)
            .values("source_id")
            .distinct()
            .count()
            >= 3
        )

        # Loading again changes nothing.
        again = io.StringIO()
        assistant_demo.load_demo(again)
        assert "already loaded" in again.getvalue()
        assert LibraryDocument.objects.count() == 8

        result = evaluate()
        qa, permission = result["qa"], result["permission"]
        assert qa["count"] >= 60
        print(json.dumps({k: v for k, v in qa.items() if k != "items"}, ensure_ascii=False))
        assert qa["hit_at_5"] >= 0.9, qa["misses"]
        assert 0 <= qa["fact_share"] <= 1 and set(qa["by_variant"]) == {
            "accented",
            "unaccented",
            "paraphrase",
        }
        assert qa["latency_ms"]["p95"] >= qa["latency_ms"]["p50"] > 0
        assert permission["forbidden_indexed"] is True
        assert permission["leaks"] == 0, permission["leaked"]

        # The check is not vacuous: the Hà Nội board's head, who may read the plan, finds it.
        from vcnet.assistant.retrieval import retrieve

        head = User.objects.get(email=normalize_email(demo_email("hungnv")))
        found = retrieve(head, "Mật danh của kế hoạch di dời chợ đầu mối Long Biên", k=5)
        assert secret.pk in {r.document_id for r in found}

        # The command prints the table and says there was no leak.
        printed = io.StringIO()
        call_command(
            "assistant",
            "evaluate",
            "--set",
            "permission",
            "--asker",
            demo_email("tuanpm"),
            stdout=printed,
        )
        text = printed.getvalue()
        assert "Assistant evaluation, asked as tuanpm@" in text
        assert "Permission set: 6 questions, 0 leaks" in text
