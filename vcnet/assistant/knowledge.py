"""What the assistant knows: each source (an e-office document, a library document, an FAQ
entry, an official page's post) read as a `SourceText`, page by page.

E-office documents and posts are read through their apps' selectors only
(`documents.selectors.documents_changed_since`, `social.selectors.official`). Nothing here
checks who may read what: indexing reads everything, and `retrieval` keeps, at question time,
only the passages the asker may read.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from vcnet.assistant.models import FaqEntry, LibraryDocument, SourceType
from vcnet.assistant.types import SourcePage, SourceText
from vcnet.core.text import nfc

if TYPE_CHECKING:
    from vcnet.documents.models import Document
    from vcnet.social.models import Post

__all__ = [
    "changed_sources",
    "current_ids",
    "document_source",
    "faq_source",
    "library_source",
    "post_source",
    "source_url",
    "sources_for",
]

log = logging.getLogger(__name__)

MAX_PDF_PAGES = 500
ITERATOR_CHUNK = 200
_TITLE_MAX = 500


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _metadata_line(kind: str, number: str, issuer: str, date: dt.date | None, subject: str) -> str:
    """ "Công văn số 1520/CV-VPTW, Văn phòng Trung ương, ngày 15/01/2026: V/v ..." (Vietnamese
    data, like the documents themselves: this line is what a search by number finds)."""
    head = " ".join(p for p in (kind, f"số {number}" if number else "") if p)
    when = f"ngày {_date(date)}" if date else ""
    line = ", ".join(p for p in (head, issuer, when) if p)
    return f"{line}: {subject}" if line and subject else line or subject


def _join(*paragraphs: str) -> str:
    """Paragraphs separated by a blank line (a hard paragraph break for the chunker)."""
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip())


# --- E-office documents -----------------------------------------------------------------------
def _main_file(document: Document) -> Any:
    from vcnet.documents.models import FileKind

    files = [f for f in document.files.all() if f.kind == FileKind.MAIN and f.current]
    files.sort(key=lambda f: (f.slot, -f.version))
    return files[0] if files else None


def _pdf_pages(stored: Any) -> list[str]:
    """The text of each page of a stored PDF; [] when it cannot be read."""
    if stored is None or stored.content_type != "application/pdf":
        return []
    from pypdf import PdfReader

    try:
        with stored.file.open("rb") as handle:
            data = handle.read()
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return []
        return [(page.extract_text() or "") for page in reader.pages[:MAX_PDF_PAGES]]
    except Exception as exc:  # a broken file must not stop indexing
        log.info("assistant: cannot read the PDF of document file %s: %s", stored.pk, exc)
        return []


def document_title(document: Document) -> str:
    kind = document.doc_type.name if document.doc_type else ""
    head = " ".join(p for p in (kind, document.code) if p)
    title = f"{head}: {document.subject}" if head else document.subject
    return nfc(title.strip())[:_TITLE_MAX]


def document_source(document: Document) -> SourceText:
    """A document: a metadata line, then the text of each page of its main PDF (or, when the
    PDF has no text, `Document.text`, OCR included, as page 1)."""
    meta = _metadata_line(
        document.doc_type.name if document.doc_type else "",
        document.code,
        document.organ_name,
        document.issued_date,
        document.subject,
    )
    texts = _pdf_pages(_main_file(document))
    if not any(t.strip() for t in texts):
        texts = [document.text or ""]
    pages = [SourcePage(n, nfc(t)) for n, t in enumerate(texts, start=1)]
    pages[0] = SourcePage(1, _join(nfc(meta), pages[0].text))
    return SourceText(
        source_type=SourceType.DOCUMENT.value,
        source_id=str(document.pk),
        title=document_title(document),
        pages=tuple(pages),
        document_id=document.pk,
        updated_at=document.updated_at,
    )


# --- The library, the FAQ, official posts -----------------------------------------------------
def library_source(document: LibraryDocument) -> SourceText:
    """A library document: a metadata line and its summary, then its text page by page (the
    pages of its PDF when it has one; otherwise its text, without page numbers)."""
    meta = _metadata_line(
        document.kind, document.number, document.issuer, document.issued_date, document.title
    )
    if document.effective_date:
        meta += f" (hiệu lực từ ngày {_date(document.effective_date)})"
    head = _join(nfc(meta), nfc(document.summary))
    texts = [str(t or "") for t in (document.pages or [])]
    if any(t.strip() for t in texts):
        pages = [SourcePage(n, nfc(t)) for n, t in enumerate(texts, start=1)]
        pages[0] = SourcePage(1, _join(head, pages[0].text))
    else:
        pages = [SourcePage(None, _join(head, nfc(document.body)))]
    title = " ".join(p for p in (document.kind, document.number) if p)
    return SourceText(
        source_type=SourceType.LIBRARY.value,
        source_id=str(document.pk),
        title=nfc(f"{title}: {document.title}" if title else document.title)[:_TITLE_MAX],
        pages=tuple(pages),
        updated_at=document.updated_at,
    )


def faq_source(entry: FaqEntry) -> SourceText:
    """An FAQ entry: its question, then its answer (no pages)."""
    text = _join(nfc(entry.question), nfc(entry.answer))
    return SourceText(
        source_type=SourceType.FAQ.value,
        source_id=str(entry.pk),
        title=nfc(entry.question)[:_TITLE_MAX],
        pages=(SourcePage(None, text),),
        updated_at=entry.updated_at,
    )


def post_source(post: Post) -> SourceText:
    """An official page's post: its content warning (if any) and its text (no pages)."""
    when = timezone.localtime(post.created_at).strftime("%d/%m/%Y")
    title = f"{post.author.display_name} ({when})"
    return SourceText(
        source_type=SourceType.POST.value,
        source_id=str(post.pk),
        title=nfc(title)[:_TITLE_MAX],
        pages=(SourcePage(None, _join(nfc(post.content_warning), nfc(post.text))),),
        updated_at=post.edited_at or post.created_at,
    )


# --- What to index ----------------------------------------------------------------------------
def _documents(since: dt.datetime | None) -> QuerySet[Any]:
    from vcnet.documents.selectors import documents_changed_since

    return documents_changed_since(since)


def _posts(since: dt.datetime | None) -> QuerySet[Any]:
    from vcnet.social.selectors.official import official_posts_changed_since

    return official_posts_changed_since(since)


def _library(since: dt.datetime | None) -> QuerySet[LibraryDocument]:
    rows = LibraryDocument.objects.filter(published=True)
    if since is not None:
        rows = rows.filter(updated_at__gt=since)
    return rows.order_by("updated_at", "id")


def _faq(since: dt.datetime | None) -> QuerySet[FaqEntry]:
    rows = FaqEntry.objects.filter(published=True)
    if since is not None:
        rows = rows.filter(updated_at__gt=since)
    return rows.order_by("updated_at", "id")


_ROWS: dict[
    str, tuple[Callable[[dt.datetime | None], QuerySet[Any]], Callable[[Any], SourceText]]
] = {
    SourceType.DOCUMENT.value: (_documents, document_source),
    SourceType.LIBRARY.value: (_library, library_source),
    SourceType.FAQ.value: (_faq, faq_source),
    SourceType.POST.value: (_posts, post_source),
}


def _rows(source_type: str, since: dt.datetime | None) -> QuerySet[Any]:
    if source_type not in _ROWS:
        raise ValueError(f"unknown source type: {source_type!r}")
    rows_for, _reader = _ROWS[source_type]
    return rows_for(since)


def changed_sources(source_type: str, since: dt.datetime | None) -> Iterator[SourceText]:
    """The sources of one type that changed after `since` (all of them when None), oldest
    change first; only those that should be known (published library and FAQ, official posts)."""
    _rows_for, reader = _ROWS[source_type]
    for row in _rows(source_type, since).iterator(chunk_size=ITERATOR_CHUNK):
        yield reader(row)


def sources_for(source_type: str, ids: Collection[str]) -> Iterator[SourceText]:
    """The sources of one type with these ids that should be known (as `changed_sources`)."""
    _rows_for, reader = _ROWS[source_type]
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    for start in range(0, len(wanted), 500):
        rows = _rows(source_type, None).filter(pk__in=wanted[start : start + 500])
        for row in rows.iterator(chunk_size=ITERATOR_CHUNK):
            yield reader(row)


def current_ids(source_type: str) -> set[str]:
    """The ids (as strings) of every source of this type that should be known now."""
    if source_type == SourceType.POST.value:
        from vcnet.social.selectors.official import official_post_ids

        ids = official_post_ids()
    else:
        ids = _rows(source_type, None).order_by().values("pk")
    return {str(pk) for pk in ids.values_list("pk", flat=True)}


# --- Links ------------------------------------------------------------------------------------
def _reverse(name: str, args: list[Any] | None, fallback: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the pages are not mounted (an API-only deployment, some tests)
        return fallback


def source_url(source_type: str, source_id: str | int, page: int | None = None) -> str:
    """Where a passage's source is read: the document, the library page at its page, the FAQ
    entry, the post."""
    sid = str(source_id)
    if source_type == SourceType.DOCUMENT:
        return _reverse("documents:detail", [int(sid)], f"/documents/{sid}/")
    if source_type == SourceType.LIBRARY:
        url = _reverse("assistant:library_detail", [int(sid)], f"/assistant/library/{sid}/")
        return f"{url}#page-{page}" if page else url
    if source_type == SourceType.FAQ:
        return _reverse("assistant:faq", None, "/assistant/faq/") + f"#faq-{sid}"
    if source_type == SourceType.POST:
        return _reverse("social:post", [int(sid)], f"/social/posts/{sid}/")
    raise ValueError(f"unknown source type: {source_type!r}")
