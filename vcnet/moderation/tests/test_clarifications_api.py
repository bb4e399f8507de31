"""The clarifications API: public reading, publishing by editors of verified pages, naming
posts, attaching the PDF; permissions and errors as problem+json."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter

from vcnet.accounts.models import User
from vcnet.moderation.models import Clarification
from vcnet.moderation.services.clarifications import label_key
from vcnet.moderation.tests.conftest_mod import Mod

pytestmark = pytest.mark.django_db

API = "/api/v1/moderation/clarifications"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def as_user(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    return body


def body(mod: Mod, **overrides: Any) -> dict[str, Any]:
    return {
        "page_id": mod.page.pk,
        "title": "Không có chuyện miễn phí xăng",
        "claim": "Từ tháng sau xăng sẽ miễn phí cho mọi người.",
        "claim_url": "https://vi.example.org/xang",
        "verdict": "false",
        "explanation": "Giá xăng vẫn do **Liên Bộ** điều hành.",
        "sources": [{"url": "https://moit.gov.vn/gia-xang", "title": "Bộ Công Thương"}],
        "post_ids": [mod.post.pk],
        **overrides,
    }


def test_editor_publishes_and_anyone_reads(mod: Mod) -> None:
    response = send(as_user(mod.page_editor), API, body(mod))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["slug"] == "khong-co-chuyen-mien-phi-xang"
    assert created["verdict"] == "false" and created["rating_value"] == 1
    assert created["page"]["handle"] == "btg_nghean" and created["page"]["verified"] is True
    assert created["post_ids"] == [mod.post.pk]
    assert created["can_edit"] is True
    assert "<strong>Liên Bộ</strong>" in created["html"]
    assert created["claim_review"]["@type"] == "ClaimReview"
    mod.post.refresh_from_db()
    assert mod.post.labels[0]["key"] == label_key(created["id"])

    anonymous = as_user(None)
    listed = anonymous.get(API)
    assert listed.status_code == 200
    assert [row["slug"] for row in listed.json()] == [created["slug"]]
    assert anonymous.get(f"{API}?verdict=true").json() == []
    assert anonymous.get(f"{API}?page=btg_nghean").json()[0]["id"] == created["id"]
    one = anonymous.get(f"{API}/{created['slug']}")
    assert one.status_code == 200
    assert one.json()["can_edit"] is False
    assert one.json()["claim_review"]["reviewRating"]["ratingValue"] == 1
    problem(anonymous.get(f"{API}/khong-ton-tai"), 404)


def test_permissions_and_bad_input(mod: Mod) -> None:
    assert problem(send(as_user(mod.reporter), API, body(mod)), 403)["status"] == 403
    problem(send(as_user(None), API, body(mod)), 401)
    problem(send(as_user(mod.page_editor), API, body(mod, verdict="maybe")), 400)
    problem(send(as_user(mod.page_editor), API, body(mod, post_ids=[999_999])), 404)
    mod.page.verified = False
    mod.page.save(update_fields=["verified"])
    detail = problem(send(as_user(mod.page_editor), API, body(mod)), 403)
    assert "verified" in detail["detail"]
    assert not Clarification.objects.exists()


def test_naming_posts_unlinking_and_the_document(mod: Mod) -> None:
    editor = as_user(mod.page_editor)
    created = send(editor, API, body(mod, post_ids=[])).json()
    url = f"{API}/{created['id']}"

    problem(send(as_user(mod.reporter), f"{url}/posts", {"post_ids": [mod.post.pk]}), 403)
    problem(send(editor, f"{url}/posts", {"post_ids": []}), 422)
    response = send(editor, f"{url}/posts", {"post_ids": [mod.post.pk, mod.group_post.pk]})
    assert response.status_code == 200, response.content
    assert sorted(response.json()["post_ids"]) == sorted([mod.post.pk, mod.group_post.pk])

    assert editor.delete(f"{url}/posts/{mod.group_post.pk}").status_code == 204
    mod.group_post.refresh_from_db()
    assert mod.group_post.labels == []
    problem(editor.delete(f"{url}/posts/{mod.group_post.pk}"), 404)

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = SimpleUploadedFile("quyet-dinh.pdf", buffer.getvalue(), "application/pdf")
    response = editor.post(f"{url}/document", {"document": pdf})
    assert response.status_code == 200, response.content
    assert response.json()["document_url"] == (
        f"/moderation/clarifications/{created['slug']}/document/"
    )
    fake = SimpleUploadedFile("gia.pdf", b"Day khong phai PDF", "application/pdf")
    assert "Only PDF" in problem(editor.post(f"{url}/document", {"document": fake}), 400)["detail"]
