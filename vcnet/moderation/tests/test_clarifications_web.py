"""Official clarifications through their pages: the public page (readable anonymously) with its
schema.org ClaimReview, the list, and the forms of page editors; permissions and escaping."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pyld import jsonld
from pypdf import PdfWriter

from vcnet.moderation.models import Clarification, Verdict
from vcnet.moderation.services.clarifications import clarification_create, label_key
from vcnet.moderation.tests.conftest_mod import Mod, browser

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"
XSS = "<script>alert('x')</script></script><!--"


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
        "title": "Xăng không miễn phí từ tháng sau",
        "claim": "Từ tháng sau xăng sẽ miễn phí cho mọi người.",
        "claim_url": "https://vi.example.org/xang-mien-phi",
        "verdict": Verdict.FALSE,
        "explanation": "Không có quyết định nào như vậy.",
        "sources": [{"url": "https://moit.gov.vn/gia-xang", "title": "Bộ Công Thương"}],
        "post_ids": [mod.post.pk],
    }
    values.update(overrides)
    return clarification_create(**values)


def ld_json(html: str) -> dict[str, Any]:
    """The one JSON-LD block of a page, as a browser's parser would read it."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """Serves a minimal schema.org context without the network."""
    assert url.rstrip("/") + "/" == SCHEMA, url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA}},
    }


def expanded_value(node: dict[str, Any], name: str) -> Any:
    (value,) = node[SCHEMA + name]
    return value.get("@value", value.get("@id", value))


def test_anonymous_reader_sees_the_page_and_its_claim_review(mod: Mod) -> None:
    item = publish(mod)
    response = browser().get(f"/moderation/clarifications/{item.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xăng không miễn phí từ tháng sau" in html
    assert "Từ tháng sau xăng sẽ miễn phí cho mọi người." in html
    assert "Bộ Công Thương" in html
    assert f"/social/posts/{mod.post.pk}/" in html
    assert "Edit" not in html  # no editor buttons for a reader

    data = ld_json(html)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "Từ tháng sau xăng sẽ miễn phí cho mọi người."
    assert data["url"] == f"http://testserver/moderation/clarifications/{item.slug}/"
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 4,
        "worstRating": 1,
        "alternateName": "False",
    }
    assert data["author"] == {
        "@type": "Organization",
        "name": "Ban Tuyên giáo Tỉnh ủy Nghệ An",
        "url": "http://testserver/social/@btg_nghean/",
    }
    claim = data["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["appearance"] == [
        {"@type": "CreativeWork", "url": f"http://testserver/social/posts/{mod.post.pk}/"}
    ]
    assert claim["firstAppearance"]["url"] == "https://vi.example.org/xang-mien-phi"

    (node,) = jsonld.expand(data, {"documentLoader": offline_loader})
    assert node["@type"] == [SCHEMA + "ClaimReview"]
    assert expanded_value(node, "claimReviewed").startswith("Từ tháng sau")
    # The date where the organisation is (Asia/Ho_Chi_Minh): after 17:00 UTC it is the next day.
    published = timezone.localtime(item.published_at).date().isoformat()
    assert expanded_value(node, "datePublished") == published
    rating = node[SCHEMA + "reviewRating"][0]
    assert rating["@type"] == [SCHEMA + "Rating"]
    assert expanded_value(rating, "ratingValue") == 1
    assert expanded_value(rating, "alternateName") == "False"
    author = node[SCHEMA + "author"][0]
    assert author["@type"] == [SCHEMA + "Organization"]
    reviewed = node[SCHEMA + "itemReviewed"][0]
    assert reviewed["@type"] == [SCHEMA + "Claim"]
    assert len(reviewed[SCHEMA + "appearance"]) == 1


def test_title_and_explanation_are_escaped_also_inside_the_json_ld(mod: Mod) -> None:
    item = publish(
        mod,
        title=f"Tin đồn {XSS}",
        claim=f"Lời đồn & {XSS}",
        explanation=f"Giải thích <img src=x onerror=alert(1)> {XSS}",
    )
    html = browser().get(f"/moderation/clarifications/{item.slug}/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html  # shown as text, never as a tag
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["name"] == f"Tin đồn {XSS}"  # the JSON still says exactly what was written
    assert data["claimReviewed"] == f"Lời đồn & {XSS}"


def test_list_is_public_and_filters_by_verdict(mod: Mod) -> None:
    publish(mod)
    publish(mod, title="Lịch cắt điện Vinh là đúng", verdict=Verdict.TRUE, post_ids=[])
    client = browser()
    html = client.get("/moderation/clarifications/").content.decode()
    assert "Xăng không miễn phí từ tháng sau" in html
    assert "Lịch cắt điện Vinh là đúng" in html
    assert "Publish a clarification" not in html
    only_true = client.get("/moderation/clarifications/?verdict=true").content.decode()
    assert "Lịch cắt điện Vinh là đúng" in only_true
    assert "Xăng không miễn phí" not in only_true
    assert (
        "Publish a clarification"
        in browser(mod.page_editor).get("/moderation/clarifications/").content.decode()
    )


def test_editor_publishes_through_the_form_with_a_pdf(mod: Mod) -> None:
    client = browser(mod.page_editor)
    assert client.get("/moderation/clarifications/new/").status_code == 200
    response = client.post(
        "/moderation/clarifications/new/",
        {
            "page": mod.page.pk,
            "title": "Không có chuyện phát tiền mặt tại phường",
            "claim": "Phường sẽ phát tiền mặt cho mọi hộ gia đình.",
            "claim_url": "",
            "verdict": "false",
            "explanation": "UBND phường **không** có chương trình này.",
            "sources": "https://nghean.gov.vn/thong-bao Thông báo của UBND\nhttps://baonghean.vn/",
            "posts": f"http://testserver/social/posts/{mod.post.pk}/\n{mod.group_post.pk}",
            "document": SimpleUploadedFile("cong-van.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    item = Clarification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/moderation/clarifications/{item.slug}/"
    assert item.sources == [
        {"url": "https://nghean.gov.vn/thong-bao", "title": "Thông báo của UBND"},
        {"url": "https://baonghean.vn/", "title": "baonghean.vn"},
    ]
    assert set(item.posts.values_list("pk", flat=True)) == {mod.post.pk, mod.group_post.pk}
    mod.post.refresh_from_db()
    assert mod.post.labels[0]["key"] == label_key(item.pk)

    page = client.get(f"/moderation/clarifications/{item.slug}/").content.decode()
    assert "Edit" in page and "Remove the label from this post" in page
    document = browser().get(f"/moderation/clarifications/{item.slug}/document/")
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_form_shows_clear_errors(mod: Mod) -> None:
    response = browser(mod.page_editor).post(
        "/moderation/clarifications/new/",
        {
            "page": mod.page.pk,
            "title": "Tin đồn về học phí",
            "claim": "Học phí tăng gấp đôi.",
            "verdict": "false",
            "explanation": "Không đúng.",
            "sources": "",
            "posts": "bai-viet-nao-do",
            "document": SimpleUploadedFile("anh.pdf", b"\x89PNG not a PDF", "application/pdf"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not the address or number of a post" in html
    response = browser(mod.page_editor).post(
        "/moderation/clarifications/new/",
        {
            "page": mod.page.pk,
            "title": "Tin đồn về học phí",
            "claim": "Học phí tăng gấp đôi.",
            "verdict": "false",
            "explanation": "Không đúng.",
            "document": SimpleUploadedFile("anh.pdf", b"\x89PNG not a PDF", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "Only PDF files are accepted here." in response.content.decode()
    assert not Clarification.objects.exists()


def test_people_who_are_not_editors_cannot_publish_or_change(mod: Mod) -> None:
    item = publish(mod)
    citizen = browser(mod.reporter)
    assert citizen.get("/moderation/clarifications/new/").status_code == 403
    assert citizen.get(f"/moderation/clarifications/{item.slug}/edit/").status_code == 403
    assert citizen.post(f"/moderation/clarifications/{item.slug}/delete/").status_code == 403
    assert (
        citizen.post(f"/moderation/clarifications/{item.slug}/posts/{mod.post.pk}/remove/")
    ).status_code == 403
    assert browser().get("/moderation/clarifications/new/").status_code == 302  # sign in first
    assert Clarification.objects.filter(pk=item.pk).exists()

    mod.page.verified = False
    mod.page.save(update_fields=["verified"])
    editor = browser(mod.page_editor)
    assert editor.get("/moderation/clarifications/new/").status_code == 403
    assert editor.get(f"/moderation/clarifications/{item.slug}/edit/").status_code == 403
    assert browser().get("/moderation/clarifications/nothing-here/").status_code == 404


def test_editor_edits_links_unlinks_and_withdraws(mod: Mod) -> None:
    item = publish(mod)
    client = browser(mod.page_editor)
    edit_url = f"/moderation/clarifications/{item.slug}/edit/"
    assert "Xăng không miễn phí" in client.get(edit_url).content.decode()
    response = client.post(
        edit_url,
        {
            "title": "Xăng miễn phí: thông tin gây hiểu lầm",
            "claim": item.claim,
            "verdict": "misleading",
            "explanation": "Chỉ một cửa hàng giảm giá trong một ngày.",
            "sources": "https://moit.gov.vn/gia-xang Bộ Công Thương",
        },
    )
    assert response.status_code == 302
    mod.post.refresh_from_db()
    assert mod.post.labels[0]["verdict"] == "misleading"

    response = client.post(
        f"/moderation/clarifications/{item.slug}/posts/", {"posts": str(mod.group_post.pk)}
    )
    assert response.status_code == 302
    mod.group_post.refresh_from_db()
    assert mod.group_post.labels[0]["key"] == label_key(item.pk)

    client.post(f"/moderation/clarifications/{item.slug}/posts/{mod.group_post.pk}/remove/")
    mod.group_post.refresh_from_db()
    assert mod.group_post.labels == []

    confirm = client.get(f"/moderation/clarifications/{item.slug}/delete/")
    assert "cannot be undone" in confirm.content.decode()
    response = client.post(f"/moderation/clarifications/{item.slug}/delete/")
    assert response.status_code == 302
    assert not Clarification.objects.exists()
    mod.post.refresh_from_db()
    assert mod.post.labels == []
    assert browser().get(f"/moderation/clarifications/{item.slug}/").status_code == 404


def test_list_page_query_count_does_not_grow(mod: Mod, django_assert_max_num_queries: Any) -> None:
    publish(mod)
    client = browser()
    with django_assert_max_num_queries(20) as first:
        client.get("/moderation/clarifications/")
    for n in range(5):
        publish(mod, title=f"Đính chính số {n}", post_ids=[])
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/moderation/clarifications/")
    assert response.content.decode().count('class="card stack" id="clarification-') == 6
