"""Indexing the assistant's knowledge: e-office documents page by page from their PDF, the
library, the FAQ and official pages' posts; unchanged passages keep their vectors; what is
deleted or unpublished disappears with its search entries; the clock's run and the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from vcnet.accounts.models import Unit, User
from vcnet.assistant import indexing, knowledge
from vcnet.assistant.models import FaqEntry, IndexCursor, LibraryDocument, Passage, SourceType
from vcnet.core import embeddings
from vcnet.core.models import SearchEntry
from vcnet.core.search import search_query
from vcnet.documents.models import Document, DocumentType
from vcnet.documents.services.incoming import document_receive
from vcnet.documents.tests.factories import incoming_fields, upload
from vcnet.social.models import Actor, ActorKind, PageRole, PageRoleKind, Post
from vcnet.social.services.posts import post_create, post_delete

pytestmark = pytest.mark.django_db

LETTER_LINE = (
    "Đề nghị các ban, ngành rà soát phương án sơ tán dân cư vùng ven sông trước mùa mưa bão "
    "năm 2026 và báo cáo kết quả về Văn phòng Trung ương trước ngày 30 tháng 6."
)

ARTICLES = [
    "Điều 1. Thời hạn giải quyết văn bản đến\nVăn bản đến phải được giải quyết trong thời hạn "
    "7 ngày làm việc kể từ ngày nhận, trừ trường hợp văn bản có độ khẩn hoặc có thời hạn riêng.",
    "Điều 2. Văn bản hỏa tốc\nVăn bản có độ khẩn Hỏa tốc phải được chuyển ngay cho lãnh đạo và "
    "giải quyết trong ngày nhận, kể cả ngoài giờ hành chính và ngày nghỉ.",
    "Điều 3. Lưu trữ hồ sơ\nHồ sơ công việc được nộp lưu vào lưu trữ cơ quan trong thời hạn một "
    "năm kể từ ngày công việc kết thúc, theo danh mục hồ sơ đã được phê duyệt.",
]


def letter(clerk: User, unit: Unit, *, pages: int = 2) -> Document:
    """A real incoming official letter whose main PDF has `pages` pages."""
    return document_receive(
        actor=clerk,
        unit=unit,
        fields=incoming_fields(
            subject="Về việc phòng, chống lũ lụt năm 2026",
            doc_type_id=DocumentType.objects.get(code="cong-van").pk,
            code_number="1520",
            code_notation="CV-VPTW",
            organ_name="Văn phòng Trung ương",
            issued_date=dt.date(2026, 5, 4),
        ),
        main=upload(LETTER_LINE, pages=pages),
    )


def library(body: str, **fields: object) -> LibraryDocument:
    values: dict[str, object] = {
        "title": "Quy chế công tác văn thư",
        "kind": "Quy chế",
        "number": "05-QC/BTG",
        "issuer": "Ban Tuyên giáo Trung ương",
        "body": body,
    }
    values.update(fields)
    return LibraryDocument.objects.create(**values)


def official_page(unit: Unit, editor: User, *, verified: bool = True) -> Actor:
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=unit,
        handle="btg_nghean" if verified else "trang_chua_xac_minh",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        verified=verified,
    )
    PageRole.objects.create(page=page, user=editor, role=PageRoleKind.EDITOR)
    return page


def passages(source_type: str, source_id: object) -> list[Passage]:
    return list(
        Passage.objects.filter(source_type=source_type, source_id=str(source_id)).order_by(
            "ordinal"
        )
    )


def entries(rows: list[Passage]) -> int:
    return SearchEntry.objects.filter(
        object_type=indexing.SEARCH_TYPE, object_id__in=[str(p.pk) for p in rows]
    ).count()


def found(q: str) -> list[str]:
    hits = search_query(q, scopes=[indexing.SEARCH_SCOPE], types=[indexing.SEARCH_TYPE])
    return [h.object_id for h in hits]


# --- E-office documents -------------------------------------------------------------------------
def test_a_document_is_indexed_page_by_page_from_its_pdf(clerk: User, province: Unit) -> None:
    document = letter(clerk, province, pages=2)

    written = indexing.index_source(knowledge.document_source(document))

    rows = passages(SourceType.DOCUMENT, document.pk)
    assert written == len(rows) == 2
    assert [p.page for p in rows] == [1, 2]
    assert all(p.document_id == document.pk for p in rows)
    assert rows[0].title == "Công văn 1520/CV-VPTW: Về việc phòng, chống lũ lụt năm 2026"
    # The metadata line comes first, so the letter is found by its number, type and issuer.
    assert rows[0].text.startswith(
        "Công văn số 1520/CV-VPTW, Văn phòng Trung ương, ngày 04/05/2026: "
        "Về việc phòng, chống lũ lụt năm 2026\n"
    )
    assert "rà soát phương án sơ tán dân cư" in rows[1].text
    assert "Trang 2" in rows[1].text
    # Every passage carries the letter's title, so each is found by the number.
    assert set(found("công văn 1520/CV-VPTW")) == {str(p.pk) for p in rows}
    assert str(rows[1].pk) in found("so tan dan cu trang 2")  # without diacritics
    assert entries(rows) == 2
    vector = embeddings.from_bytes(rows[0].embedding)
    assert vector.shape == (embeddings.DIM,)
    assert abs(float(vector @ vector) - 1.0) < 1e-3
    assert knowledge.source_url(SourceType.DOCUMENT, document.pk, 2) == reverse(
        "documents:detail", args=[document.pk]
    )


def test_a_document_without_pdf_text_is_indexed_from_its_text_as_page_1(
    clerk: User, province: Unit
) -> None:
    document = letter(clerk, province, pages=1)
    document.files.all().delete()
    Document.objects.filter(pk=document.pk).update(
        text="Văn bản quét: đề nghị tổ chức diễn tập ứng phó sự cố tràn dầu tại cảng Cửa Lò."
    )
    document.refresh_from_db()

    source = knowledge.document_source(document)

    assert [p.page for p in source.pages] == [1]
    assert "diễn tập ứng phó sự cố tràn dầu" in source.pages[0].text
    assert source.pages[0].text.startswith("Công văn số 1520/CV-VPTW")


# --- Reindexing keeps what did not change -----------------------------------------------------
def test_reindexing_an_unchanged_source_writes_nothing_and_embeds_nothing() -> None:
    rules = library("\n".join(ARTICLES))
    indexing.index_source(knowledge.library_source(rules))
    before = {p.pk: (p.updated_at, bytes(p.embedding), p.text) for p in Passage.objects.all()}
    assert len(before) == 4  # the metadata line, then one passage per Điều
    embedded = indexing.STATS["embedded"]

    assert indexing.index_source(knowledge.library_source(rules)) == 0

    after = {p.pk: (p.updated_at, bytes(p.embedding), p.text) for p in Passage.objects.all()}
    assert after == before
    assert indexing.STATS["embedded"] == embedded


def test_a_new_article_is_embedded_alone_and_the_others_keep_their_vectors() -> None:
    rules = library("\n".join(ARTICLES))
    indexing.index_source(knowledge.library_source(rules))
    vectors = {p.content_hash: bytes(p.embedding) for p in Passage.objects.all()}
    embedded = indexing.STATS["embedded"]

    new_article = (
        "Điều 4. Văn bản điện tử\nVăn bản điện tử được ký số bởi người có thẩm quyền có giá trị "
        "pháp lý như văn bản giấy và được gửi qua hệ thống quản lý văn bản."
    )
    rules.body = "\n".join([ARTICLES[0], new_article, *ARTICLES[1:]])
    rules.save()
    written = indexing.index_source(knowledge.library_source(rules))

    rows = passages(SourceType.LIBRARY, rules.pk)
    assert [p.heading for p in rows] == ["", "Điều 1", "Điều 4", "Điều 2", "Điều 3"]
    assert indexing.STATS["embedded"] == embedded + 1  # only the new Điều
    assert written == 3  # the new one, and the two that moved down
    for row in rows:
        if row.heading != "Điều 4":
            assert bytes(row.embedding) == vectors[row.content_hash]
    assert entries(rows) == 5
    assert found("văn bản điện tử ký số") == [str(rows[2].pk)]


# --- Removing ---------------------------------------------------------------------------------
def test_deleted_and_unpublished_sources_lose_their_passages_and_search_entries(
    official: User, province: Unit
) -> None:
    faq = FaqEntry.objects.create(
        question="Thời hạn giải quyết văn bản đến là bao lâu?",
        answer="Văn bản đến được giải quyết trong 7 ngày làm việc kể từ ngày nhận.",
    )
    rules = library(ARTICLES[0])
    page = official_page(province, official)
    post = post_create(
        user=official,
        as_actor=page,
        text="Ban Tuyên giáo Tỉnh ủy Nghệ An phát động cuộc thi tìm hiểu lịch sử Đảng bộ tỉnh.",
    )
    indexing.index_changed()
    kept = {
        kind: passages(kind, pk)
        for kind, pk in ((SourceType.FAQ, faq.pk), (SourceType.LIBRARY, rules.pk))
    }
    kept[SourceType.POST] = passages(SourceType.POST, post.pk)
    assert all(rows and entries(rows) == len(rows) for rows in kept.values())

    FaqEntry.objects.filter(pk=faq.pk).update(published=False, updated_at=timezone.now())
    rules.delete()
    post_delete(user=official, post_id=post.pk)
    counts = indexing.index_changed()

    assert counts == {"document": 0, "library": 1, "faq": 1, "post": 1}
    assert not Passage.objects.exists()
    assert all(entries(rows) == 0 for rows in kept.values())
    assert found("cuộc thi tìm hiểu lịch sử") == []


def test_remove_source_returns_how_many_passages_went() -> None:
    rules = library("\n".join(ARTICLES))
    indexing.index_source(knowledge.library_source(rules))

    assert indexing.remove_source(SourceType.LIBRARY, rules.pk) == 4
    assert indexing.remove_source(SourceType.LIBRARY, rules.pk) == 0
    assert not SearchEntry.objects.filter(object_type=indexing.SEARCH_TYPE).exists()


# --- The clock's run -------------------------------------------------------------------------
def test_index_changed_picks_up_new_sources_of_every_kind(
    clerk: User, official: User, province: Unit
) -> None:
    from vcnet.assistant.tasks import index_changed
    from vcnet.core.schedule import DEFAULTS

    assert (
        "assistant.index_changed",
        "vcnet.assistant.tasks.index_changed",
        60,
        None,
    ) in DEFAULTS
    assert index_changed.call() == 0

    document = letter(clerk, province, pages=1)
    rules = library(ARTICLES[1])
    faq = FaqEntry.objects.create(
        question="Văn bản hỏa tốc xử lý thế nào?",
        answer="Văn bản hỏa tốc được chuyển ngay cho lãnh đạo và giải quyết trong ngày nhận.",
    )
    page = official_page(province, official)
    post = post_create(
        user=official,
        as_actor=page,
        text="Thông báo lịch tiếp công dân tháng 6 năm 2026 của Ban Tuyên giáo Tỉnh ủy.",
    )
    # Not official: a person's post, a post of an unverified page, a draft FAQ entry.
    personal = post_create(user=clerk, text="Chiều nay tôi đi họp chi bộ ở xã Nghi Lộc.")
    unverified = official_page(province, clerk, verified=False)
    other = post_create(user=clerk, as_actor=unverified, text="Trang chưa xác minh đăng bài.")
    FaqEntry.objects.create(question="Bản nháp?", answer="Chưa công bố.", published=False)

    assert indexing.index_changed() == {"document": 1, "library": 1, "faq": 1, "post": 1}

    assert passages(SourceType.DOCUMENT, document.pk)
    assert passages(SourceType.LIBRARY, rules.pk)
    assert passages(SourceType.FAQ, faq.pk)[0].text.startswith("Văn bản hỏa tốc xử lý thế nào?")
    (post_passage,) = passages(SourceType.POST, post.pk)
    assert post_passage.title.startswith("Ban Tuyên giáo Tỉnh ủy Nghệ An (")
    assert not passages(SourceType.POST, personal.pk)
    assert not passages(SourceType.POST, other.pk)
    assert Passage.objects.filter(source_type=SourceType.FAQ).count() == 1
    assert IndexCursor.objects.count() == 4
    assert knowledge.source_url(SourceType.POST, post.pk) == f"/social/posts/{post.pk}/"

    # Nothing changed since: the next run (the clock's task) writes nothing.
    assert index_changed.call() == 0

    # A page verified later: its earlier posts are picked up although they did not change.
    Actor.objects.filter(pk=unverified.pk).update(verified=True)
    assert indexing.index_changed()["post"] == 1
    assert passages(SourceType.POST, other.pk)
    assert Post.objects.filter(pk=other.pk).exists()


# --- The command -----------------------------------------------------------------------------
def test_the_reindex_command_shows_its_progress() -> None:
    library(ARTICLES[0])
    FaqEntry.objects.create(
        question="Ai ký văn bản điện tử?", answer="Người có thẩm quyền ký số văn bản điện tử."
    )
    out, err = io.StringIO(), io.StringIO()

    with translation.override("en"):
        call_command("assistant", "reindex", stdout=out, stderr=err)

    assert "Indexing [" + "#" * 30 + "] 100% 2/2" in err.getvalue()
    assert "Sources indexed: document 0, library 1, faq 1, post 0" in out.getvalue()
    assert Passage.objects.filter(source_type=SourceType.FAQ).count() == 1

    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("assistant", "reindex", "--type", "faq", stdout=out, stderr=err)
    assert "100% 1/1" in err.getvalue()
    assert "Sources indexed: faq 1 in" in out.getvalue()
