"""Pieces every document service uses: timeline events, work items, files, search indexing."""

from __future__ import annotations

import contextvars
import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max, Q
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError
from vcnet.core.search import search_index, search_remove
from vcnet.documents.models import (
    EDXML_STATUS,
    Delivery,
    Direction,
    Document,
    DocumentEvent,
    DocumentFile,
    EventVerb,
    FileKind,
    Source,
    WorkItem,
    WorkKind,
)
from vcnet.notifications.services import notify

log = logging.getLogger(__name__)

SEARCH_TYPE = "document"


def search_scope(unit_id: int) -> str:
    """The index scope of a document: its holding unit. A search names the units of the
    documents its user may read (few), so the ranking never touches other units' documents;
    the exact per-document permission is applied inside the same query with `within=`."""
    return f"docs:{unit_id}"


PDF_MAGIC = b"%PDF-"
# Kinds of file accepted as a document's main file or attachment, by their first bytes.
ALLOWED_SIGNATURES: dict[bytes, str] = {
    PDF_MAGIC: "application/pdf",
    b"PK\x03\x04": "application/zip",  # .docx, .xlsx, .odt are zip containers
    b"\xd0\xcf\x11\xe0": "application/msword",  # .doc, .xls (OLE2)
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def document_url(document: Document) -> str:
    return reverse("documents:detail", args=[document.pk])


def event_add(
    document: Document,
    verb: str,
    *,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DocumentEvent:
    """One step on the document's timeline."""
    return DocumentEvent.objects.create(
        document=document,
        verb=verb,
        actor=actor,
        actor_name=actor.full_name if actor is not None else "",
        unit_name=document.unit.name,
        note=note,
        data=data or {},
    )


def work_add(
    document: Document,
    kind: WorkKind | str,
    *,
    user: User | None = None,
    unit_id: int | None = None,
    role: str = "",
    deadline: Any = None,
    **links: Any,
) -> WorkItem:
    """Put something in a person's (or a unit role's) inbox."""
    return WorkItem.objects.create(
        document=document,
        kind=kind,
        user=user,
        unit_id=unit_id,
        role=role,
        priority=document.priority,
        deadline=deadline if deadline is not None else document.due_date,
        **links,
    )


def work_done(document: Document, *kinds: str, user: User | None = None, **links: Any) -> int:
    """Close open work items of these kinds (for `user` or any holder); returns how many."""
    items = WorkItem.objects.filter(document=document, done_at__isnull=True, **links)
    if kinds:
        items = items.filter(kind__in=kinds)
    if user is not None:
        items = items.filter(Q(user=user) | Q(user__isnull=True))
    return items.update(done_at=timezone.now())


def work_reprioritise(document: Document) -> None:
    """Open items follow the document's urgency and deadline after an edit."""
    WorkItem.objects.filter(document=document, done_at__isnull=True).update(
        priority=document.priority
    )


def _sniff(head: bytes) -> str | None:
    for magic, content_type in ALLOWED_SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def pdf_info(data: bytes) -> tuple[int | None, str]:
    """(pages, text) of a PDF; (None, "") when it cannot be read. Encrypted PDFs are refused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DomainError(
                _("The PDF is protected by a password; upload a copy without protection.")
            )
        pages = len(reader.pages)
        text = "\n".join((page.extract_text() or "") for page in reader.pages[:200])
        return pages, text[:500_000]
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("unreadable PDF: %s", exc)
        raise DomainError(_("The file is not a readable PDF.")) from exc


def file_store(
    document: Document,
    *,
    upload: IO[bytes],
    name: str,
    kind: FileKind | str,
    actor: User | None,
    slot: int | None = None,
    note: str = "",
    require_pdf: bool = False,
) -> DocumentFile:
    """Check and store one uploaded file as the next version of its slot.

    Refuses empty, oversized and unknown files (by content, not by name) with a clear message;
    call inside the service's transaction so that a refusal leaves nothing behind.
    """
    limit = max_upload_bytes()
    data = upload.read(limit + 1)
    if not data:
        raise DomainError(_("The file is empty."))
    if len(data) > limit:
        raise DomainError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    content_type = _sniff(data[:8])
    if content_type is None or (require_pdf and content_type != "application/pdf"):
        raise DomainError(
            _("Only PDF files are accepted here.")
            if require_pdf
            else _("This kind of file is not accepted: use PDF, Word, Excel or an image.")
        )
    pages, text = pdf_info(data) if content_type == "application/pdf" else (None, "")
    if slot is None:
        if kind == FileKind.MAIN or kind == FileKind.SIGNED:
            slot = 0
        else:
            last = DocumentFile.objects.filter(document=document, kind=kind).aggregate(
                m=Max("slot")
            )["m"]
            slot = (last or 0) + 1
    previous = DocumentFile.objects.filter(document=document, kind=kind, slot=slot)
    version = (previous.aggregate(m=Max("version"))["m"] or 0) + 1
    previous.update(current=False)
    clean_name = (name or "tep").replace("/", "_").replace("\\", "_")[-200:]
    stored = DocumentFile(
        document=document,
        kind=kind,
        slot=slot,
        version=version,
        current=True,
        name=clean_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        page_amount=pages,
        note=note,
        uploaded_by=actor,
    )
    stored.file.save(clean_name, ContentFile(data), save=False)
    stored.save()
    guard = _guard.get()
    if guard is not None:
        guard.append(stored.file.name)
    if content_type == "application/pdf" and (
        document.direction == Direction.INCOMING or kind == FileKind.SIGNED
    ):
        # A PDF that arrives (or that VCNET signed) has its signatures checked after commit.
        from vcnet.signing.validation import validate_on_commit

        validate_on_commit(stored.pk)
    if kind in (FileKind.MAIN, FileKind.SIGNED):
        document.content_hash = stored.sha256
        if pages:
            document.page_amount = pages
        if text.strip():
            document.text = text
    return stored


_guard: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "file_guard", default=None
)


@contextmanager
def files_guard() -> Iterator[None]:
    """Files stored inside the block are deleted again if the block fails.

    Use around the service's transaction: `with files_guard(), transaction.atomic(): ...`, so a
    refused or failed upload leaves neither a row nor a file behind.
    """
    saved: list[str] = []
    token = _guard.set(saved)
    try:
        yield
    except BaseException:
        storage = storages["private"]
        for name in saved:
            storage.delete(name)
        raise
    finally:
        _guard.reset(token)


def file_response(stored: DocumentFile) -> FileResponse:
    """A stored file as a download (pages and API alike): never sniffed, never cached."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def index_document(document_id: int) -> None:
    """Put a document in the search index (subject, number, issuer, signer, extracted text)."""
    document = Document.objects.select_related("doc_type").filter(pk=document_id).first()
    if document is None:
        search_remove(SEARCH_TYPE, document_id)
        return
    title = f"{document.doc_type.name + ' ' if document.doc_type else ''}{document.code} {document.subject}"
    body = " ".join(
        part
        for part in (
            document.organ_name,
            document.signer_name,
            document.description,
            document.text[:200_000],
        )
        if part
    )
    search_index(SEARCH_TYPE, document.pk, title.strip(), body, search_scope(document.unit_id))


def index_on_commit(document: Document) -> None:
    document_id = document.pk
    transaction.on_commit(lambda: index_document(document_id))


def tell(
    recipients: Iterable[User | int],
    *,
    document: Document,
    kind: str,
    title: str,
    actor: User | None,
) -> None:
    """Notify people about a document after the transaction commits; urgent ones stand out."""
    people = list(recipients)
    url = document_url(document)
    urgent = document.urgent
    transaction.on_commit(
        lambda: notify(
            recipients=people,
            kind=kind,
            title=title,
            body=document.subject[:300],
            url=url,
            actor=actor,
            urgent=urgent,
            obj=document,
        )
    )


# Exchange hook: called (after commit) with (incoming document, edXML status code, note) when a
# copy that came by inter-agency exchange changes status; the exchange module registers the
# function that sends the status message back to the sender's hub.
STATUS_HOOKS: list[Callable[[int, str, str], None]] = []


def delivery_sync(
    document: Document, code: str, *, note: str = "", actor: User | None = None
) -> None:
    """Tell the sender how far its document has got here (Appendix VI: the sender sees the
    recipient's processing status). Call inside the service's transaction, after the change.

    Internal copies update the sender's `Delivery` row and timeline; copies that came by
    exchange go back as a status message through `STATUS_HOOKS`.
    """
    now = timezone.now()
    delivery = Delivery.objects.select_related("document").filter(incoming=document).first()
    if delivery is not None:
        changes: dict[str, Any] = {"status_code": code, "status_note": note[:500], "status_at": now}
        if code == "01" and delivery.arrived_at is None:
            changes["arrived_at"] = now
        if code == "03" and delivery.registered_at is None:
            changes["registered_at"] = now
        Delivery.objects.filter(pk=delivery.pk).update(**changes)
        origin = delivery.document
        DocumentEvent.objects.create(
            document=origin,
            verb=EventVerb.STATUS,
            actor=actor,
            actor_name=actor.full_name if actor is not None else "",
            unit_name=document.unit.name,
            note=note,
            data={"code": code, "recipient": delivery.organ_name, "delivery": delivery.pk},
        )
        if code in ("01", "02", "06", "15", "16"):
            watchers = {u for u in (origin.created_by_id, origin.signer_id) if u}
            tell(
                watchers,
                document=origin,
                kind=f"documents.status.{code}",
                title=_("%(recipient)s: %(status)s")
                % {"recipient": delivery.organ_name, "status": EDXML_STATUS.get(code, code)},
                actor=actor,
            )
    if document.source == Source.EXCHANGE and STATUS_HOOKS:
        document_id = document.pk
        hooks = list(STATUS_HOOKS)

        def _send() -> None:
            for hook in hooks:
                hook(document_id, code, note)

        transaction.on_commit(_send)
