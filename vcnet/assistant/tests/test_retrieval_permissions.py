"""Retrieval only ever sees what the asker may read: e-office documents through their grants,
the library and the FAQ once published, posts while official; anonymous people only the public
sources. A hidden passage is neither returned nor counted, even when it is the best match."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.assistant import indexing, knowledge, retrieval, vectors
from vcnet.assistant.models import FaqEntry, LibraryDocument, Passage, SourceType
from vcnet.assistant.types import Retrieved
from vcnet.core import embeddings
from vcnet.documents.models import Document
from vcnet.documents.tests.factories import receive
from vcnet.social.models import Actor, ActorKind, PageRole, PageRoleKind
from vcnet.social.services.posts import post_create, post_delete

pytestmark = pytest.mark.django_db

SECRET_PLAN = (
    "Kế hoạch di dời chợ đầu mối Long Biên mang mật danh Hoa Sen Vàng, triển khai tháng 9."
)
QUESTION = "mật danh của kế hoạch di dời chợ đầu mối Long Biên"
PUBLIC_TEXT = "Chợ đầu mối nông sản được sắp xếp lại theo quy hoạch mạng lưới chợ của thành phố."


def document(clerk: User, unit: Unit, text: str = SECRET_PLAN) -> Document:
    doc = receive(clerk, unit, text=text, subject="Về việc di dời chợ đầu mối")
    indexing.index_source(knowledge.document_source(doc))
    return doc


def library(body: str, **fields: object) -> LibraryDocument:
    row = LibraryDocument.objects.create(title="Quy hoạch mạng lưới chợ", body=body, **fields)
    indexing.index_source(knowledge.library_source(row))
    return row


def faq(question: str, answer: str) -> FaqEntry:
    entry = FaqEntry.objects.create(question=question, answer=answer)
    indexing.index_source(knowledge.faq_source(entry))
    return entry


def from_document(results: list[Retrieved], doc: Document) -> list[Retrieved]:
    return [
        r
        for r in results
        if r.document_id == doc.pk
        or (r.source_type == SourceType.DOCUMENT and r.source_id == str(doc.pk))
    ]


def sources(results: list[Retrieved]) -> set[tuple[str, str]]:
    return {(r.source_type, r.source_id) for r in results}


def test_a_document_of_another_unit_is_never_returned_nor_counted(
    clerk: User, province: Unit, outsider: User
) -> None:
    secret = document(clerk, province)
    public = library(PUBLIC_TEXT)

    # The clerk of the unit that holds it finds it first, with a link to the document.
    mine = retrieval.retrieve(clerk, QUESTION)
    assert mine[0].document_id == secret.pk
    assert mine[0].source_type == SourceType.DOCUMENT
    assert "Hoa Sen Vàng" in " ".join(r.text for r in from_document(mine, secret))
    assert mine[0].url == reverse("documents:detail", args=[secret.pk])

    # Someone of another unit: nothing of it, and it takes no place ahead of what they may read.
    theirs = retrieval.retrieve(outsider, QUESTION)
    assert from_document(theirs, secret) == []
    assert "Hoa Sen Vàng" not in " ".join(r.text for r in theirs)
    assert sources(theirs) == {(SourceType.LIBRARY, str(public.pk))}
    assert theirs[0].dense_rank == 1
    assert theirs[0].lexical_rank in (None, 1)
    # Its own words find nothing of it: no lexical hit at all, only the public passage's vector.
    by_name = retrieval.retrieve(outsider, "mật danh Hoa Sen Vàng")
    assert sources(by_name) == {(SourceType.LIBRARY, str(public.pk))}
    assert by_name[0].lexical_rank is None
    allowed = retrieval.allowed_passages(outsider)
    assert not allowed.filter(document_id=secret.pk).exists()
    hidden = set(Passage.objects.filter(document_id=secret.pk).values_list("id", flat=True))
    found = vectors.search(embeddings.query(SECRET_PLAN), allowed, 50)
    assert hidden and not hidden & {pk for pk, _score in found}


def test_anonymous_people_and_citizens_only_get_public_sources(
    clerk: User, province: Unit, citizen: User
) -> None:
    secret = document(clerk, province)
    public = library(PUBLIC_TEXT)

    for asker in (AnonymousUser(), citizen):
        results = retrieval.retrieve(asker, QUESTION)
        assert sources(results) == {(SourceType.LIBRARY, str(public.pk))}
        assert retrieval.retrieve(asker, QUESTION, source_types=[SourceType.DOCUMENT]) == []
    assert not retrieval.allowed_passages(AnonymousUser()).filter(document_id=secret.pk).exists()


def test_unpublished_library_documents_and_faq_entries_are_never_returned(citizen: User) -> None:
    draft = library(PUBLIC_TEXT)
    entry = faq("Chợ đầu mối có được di dời không?", "Chợ đầu mối được di dời theo quy hoạch.")
    assert {SourceType.LIBRARY, SourceType.FAQ} <= {
        r.source_type for r in retrieval.retrieve(citizen, "di dời chợ đầu mối")
    }

    # Unpublished, and the indexer has not run yet: the passages are still there, unused.
    LibraryDocument.objects.filter(pk=draft.pk).update(published=False)
    FaqEntry.objects.filter(pk=entry.pk).update(published=False, updated_at=timezone.now())

    assert Passage.objects.filter(source_type__in=[SourceType.LIBRARY, SourceType.FAQ]).exists()
    assert retrieval.retrieve(citizen, "di dời chợ đầu mối") == []
    assert retrieval.retrieve(citizen, "chợ đầu mối có được di dời không") == []


def test_official_posts_are_public_while_they_stay_official(official: User, province: Unit) -> None:
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        verified=True,
    )
    PageRole.objects.create(page=page, user=official, role=PageRoleKind.EDITOR)
    post = post_create(
        user=official,
        as_actor=page,
        text="Thông báo lịch tiếp công dân tháng 6 năm 2026 của Ban Tuyên giáo Tỉnh ủy.",
    )
    indexing.index_source(knowledge.post_source(post))

    results = retrieval.retrieve(AnonymousUser(), "lịch tiếp công dân tháng 6")
    assert sources(results) == {(SourceType.POST, str(post.pk))}
    assert results[0].url == knowledge.source_url(SourceType.POST, post.pk)

    post_delete(user=official, post_id=post.pk)  # the passage remains until the indexer runs
    assert Passage.objects.filter(source_type=SourceType.POST).exists()
    assert retrieval.retrieve(AnonymousUser(), "lịch tiếp công dân tháng 6") == []


def pgvector_available() -> bool:
    return vectors.pgvector_enabled(connection.alias)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pgvector is a PostgreSQL extension")
def test_pgvector_ranks_like_the_store_and_keeps_the_same_permissions(
    clerk: User, province: Unit, outsider: User
) -> None:
    if not pgvector_available():
        pytest.skip("the PostgreSQL server has no pgvector extension")
    secret = document(clerk, province)
    public = library(PUBLIC_TEXT)
    query = embeddings.query(QUESTION)

    for asker in (clerk, outsider):
        allowed = retrieval.allowed_passages(asker)
        in_database = vectors.search(query, allowed, 10)
        in_process = vectors.store().search(query, vectors.allowed_id_array(allowed), 10)
        assert [pk for pk, _s in in_database] == [pk for pk, _s in in_process]
        assert [s for _pk, s in in_database] == pytest.approx([s for _pk, s in in_process], 1e-4)
    assert from_document(retrieval.retrieve(outsider, QUESTION), secret) == []
    assert retrieval.retrieve(clerk, QUESTION)[0].document_id == secret.pk

    # A vector rewritten without the hook is emptied by the trigger and filled before use.
    passage = Passage.objects.filter(source_type=SourceType.LIBRARY).first()
    assert passage is not None and passage.source_id == str(public.pk)
    passage.embedding = embeddings.to_bytes(query)
    passage.save()
    best = vectors.search(query, retrieval.allowed_passages(outsider), 1)
    assert best[0][0] == passage.pk and best[0][1] == pytest.approx(1.0, abs=1e-4)
    assert vectors.write_hook([passage]) == 1
