"""Official clarifications through their services: who may publish, the checks on what they
write, the labels on the posts they name, the PDF checked by content, update and withdrawal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.moderation import kinds
from vcnet.moderation.models import Clarification, ClarificationPost, Verdict
from vcnet.moderation.services.clarifications import (
    MAX_DOCUMENT_BYTES,
    clarification_create,
    clarification_delete,
    clarification_link_posts,
    clarification_unlink_post,
    clarification_update,
    label_key,
)
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.notifications.models import Notification
from vcnet.social.models import Post, Visibility
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def publish(mod: Mod, **overrides: Any) -> Clarification:
    values: dict[str, Any] = {
        "user": mod.page_editor,
        "page_id": mod.page.pk,
        "title": "Đính chính: xăng không miễn phí từ tháng sau",
        "claim": "Từ tháng sau xăng sẽ miễn phí cho mọi người.",
        "claim_url": "https://vi.example.org/bai-viet/xang-mien-phi",
        "verdict": Verdict.FALSE,
        "explanation": "Không có **quyết định** nào như vậy. Giá xăng vẫn do Liên Bộ điều hành.",
        "sources": [{"url": "https://moit.gov.vn/gia-xang", "title": "Bộ Công Thương"}],
        "post_ids": [mod.post.pk],
    }
    values.update(overrides)
    return clarification_create(**values)


def labels(post: Post) -> list[dict[str, Any]]:
    post.refresh_from_db()
    return list(post.labels or [])


def test_editor_of_verified_page_publishes_and_labels_the_post(
    mod: Mod, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(mod)
    assert item.slug == "dinh-chinh-xang-khong-mien-phi-tu-thang-sau"
    assert "<strong>quyết định</strong>" in item.html
    assert item.sources == [{"url": "https://moit.gov.vn/gia-xang", "title": "Bộ Công Thương"}]
    (label,) = labels(mod.post)
    assert label["key"] == label_key(item.pk)
    assert label["kind"] == "clarification"
    assert label["verdict"] == "false"
    assert label["url"] == f"/moderation/clarifications/{item.slug}/"
    assert label["text"].endswith(": Đính chính: xăng không miễn phí từ tháng sau")
    # the post stays visible, its author is told
    assert Post.objects.get(pk=mod.post.pk).state == "published"
    note = Notification.objects.get(user=mod.author, kind=kinds.CLARIFICATION)
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in note.title
    assert note.url == f"/moderation/clarifications/{item.slug}/"
    assert AuditEntry.objects.filter(action="moderation.clarification_create").exists()


def test_unverified_page_is_refused(mod: Mod) -> None:
    mod.page.verified = False
    mod.page.save(update_fields=["verified"])
    with pytest.raises(PermissionDeniedError, match="verified"):
        publish(mod)
    assert not Clarification.objects.exists()
    assert labels(mod.post) == []


def test_non_editor_is_refused(mod: Mod) -> None:
    for user in (mod.reporter, mod.site_mod, mod.author):
        with pytest.raises(PermissionDeniedError, match="editors"):
            publish(mod, user=user)


def test_a_profile_is_not_a_page(mod: Mod) -> None:
    with pytest.raises(NotFound):
        publish(mod, page_id=mod.author.actor.pk)


def test_posts_must_be_visible_and_public(mod: Mod) -> None:
    private = post_create(
        user=mod.author, text="Chỉ người theo dõi mới đọc được.", visibility=Visibility.FOLLOWERS
    )
    with pytest.raises(NotFound):
        publish(mod, post_ids=[private.pk])
    own_private = post_create(
        user=mod.page_editor, text="Ghi chú riêng của tôi.", visibility=Visibility.FOLLOWERS
    )
    with pytest.raises(DomainError, match="not public"):
        publish(mod, post_ids=[own_private.pk])
    assert not Clarification.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "title"),
        ("claim", "", "claim"),
        ("explanation", "", "Explain"),
        ("verdict", "maybe", "verdict"),
        ("claim_url", "javascript:alert(1)", "not a web address"),
        ("title", "Đ" * 201, "at most 200"),
        ("sources", [{"url": "ftp://tai-lieu.vn/a.pdf", "title": "Tài liệu"}], "web address"),
        ("sources", [{"url": "", "title": "Báo Nghệ An"}], "no web address"),
        ("sources", [{"url": f"https://nguon{i}.vn/"} for i in range(11)], "at most 10"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    mod: Mod, field: str, value: Any, message: str
) -> None:
    with pytest.raises(DomainError, match=message) as caught:
        publish(mod, **{field: value})
    assert caught.value.code == field
    assert not Clarification.objects.exists()


def test_slug_is_folded_and_unique(mod: Mod) -> None:
    first = publish(mod, title="Đường Điện Biên Phủ không bị đóng", post_ids=[])
    second = publish(mod, title="Đường Điện Biên Phủ không bị đóng", post_ids=[])
    assert first.slug == "duong-dien-bien-phu-khong-bi-dong"
    assert second.slug == "duong-dien-bien-phu-khong-bi-dong-2"
    assert publish(mod, title="!!!", post_ids=[]).slug == "dinh-chinh"


def test_pdf_document_is_checked_by_content(mod: Mod) -> None:
    good = SimpleUploadedFile("Công văn 123.pdf", pdf_bytes(), content_type="application/pdf")
    item = publish(mod, document=good)
    assert item.document.name.endswith(".pdf")
    assert item.document.open("rb").read(5) == b"%PDF-"

    renamed = SimpleUploadedFile("cong-van.pdf", b"PK\x03\x04 a Word file", "application/pdf")
    with pytest.raises(DomainError, match="Only PDF") as caught:
        publish(mod, document=renamed)
    assert caught.value.code == "document"

    broken = SimpleUploadedFile("hong.pdf", b"%PDF-1.7\n garbage", "application/pdf")
    with pytest.raises(DomainError, match="not a readable PDF"):
        publish(mod, document=broken)

    huge = SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "application/pdf")
    with pytest.raises(DomainError, match="larger than 20 MB"):
        publish(mod, document=huge)
    assert Clarification.objects.count() == 1


def test_update_changes_the_labels_and_keeps_the_address(mod: Mod) -> None:
    item = publish(mod)
    updated = clarification_update(
        user=mod.page_editor,
        clarification_id=item.pk,
        title="Thông tin xăng miễn phí gây hiểu lầm",
        claim=item.claim,
        verdict=Verdict.MISLEADING,
        explanation="Chỉ có chương trình giảm giá ngắn hạn ở một số cửa hàng.",
        sources=[],
    )
    assert updated.slug == item.slug
    (label,) = labels(mod.post)
    assert label["verdict"] == "misleading"
    assert label["text"].endswith("Thông tin xăng miễn phí gây hiểu lầm")
    with pytest.raises(PermissionDeniedError):
        clarification_update(
            user=mod.reporter,
            clarification_id=item.pk,
            title="Sửa trái phép",
            claim=item.claim,
            verdict=Verdict.TRUE,
            explanation="…",
        )


def test_link_unlink_and_delete_move_the_labels(mod: Mod) -> None:
    item = publish(mod)
    new = clarification_link_posts(
        user=mod.page_editor, clarification_id=item.pk, post_ids=[mod.post.pk, mod.group_post.pk]
    )
    assert [post.pk for post in new] == [mod.group_post.pk]  # the first was already named
    assert ClarificationPost.objects.filter(clarification=item).count() == 2
    assert labels(mod.group_post)[0]["key"] == label_key(item.pk)

    clarification_unlink_post(
        user=mod.page_editor, clarification_id=item.pk, post_id=mod.group_post.pk
    )
    assert labels(mod.group_post) == []
    with pytest.raises(NotFound):
        clarification_unlink_post(
            user=mod.page_editor, clarification_id=item.pk, post_id=mod.group_post.pk
        )

    with pytest.raises(PermissionDeniedError):
        clarification_delete(user=mod.author, clarification_id=item.pk)
    clarification_delete(user=mod.page_editor, clarification_id=item.pk)
    assert not Clarification.objects.exists()
    assert labels(mod.post) == []
    assert Post.objects.filter(pk=mod.post.pk, state="published").exists()


def test_other_labels_on_the_post_are_kept(mod: Mod) -> None:
    from vcnet.social.services.moderation import post_label_put

    post_label_put(
        post_id=mod.post.pk, key="action:99", label={"kind": "label", "text": "Tin giả", "url": "/"}
    )
    item = publish(mod)
    assert {label["key"] for label in labels(mod.post)} == {"action:99", label_key(item.pk)}
    clarification_delete(user=mod.page_editor, clarification_id=item.pk)
    assert [label["key"] for label in labels(mod.post)] == ["action:99"]
