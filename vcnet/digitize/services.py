"""Writes of the digitize app: upload a scan, run its OCR job, file it as an incoming document,
import a batch, retry a failure.

Only a unit's registry (its clerks) scans for the unit. A scan is checked by content before a
job exists (a refused file leaves nothing); the OCR runs in the "ocr" task queue; filing goes
through the e-office's own `document_receive` and `document_register`, with the searchable PDF as
the main file and the recognised text as the document's text, so that search finds its body.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.core.text import nfc
from vcnet.digitize import fields as f
from vcnet.digitize.errors import ScanRefused
from vcnet.digitize.inputs import (
    ZIP,
    Member,
    max_bytes,
    scan_inspect,
    sniff,
    zip_max_bytes,
    zip_max_files,
    zip_read,
)
from vcnet.digitize.models import (
    FieldCorrection,
    ImportBatch,
    ImportItem,
    ItemState,
    JobState,
    ScanJob,
)
from vcnet.digitize.pipeline import ocr_status, pipeline_run
from vcnet.documents.access import holds_role
from vcnet.documents.models import Direction, Document, DocumentFile
from vcnet.documents.services.incoming import (
    IncomingFields,
    Upload,
    document_receive,
    document_register,
    duplicates_of,
)

log = logging.getLogger(__name__)


def clerk_check(actor: User | None, unit: Unit | int) -> None:
    """Only the unit's registry scans and files documents for it."""
    if actor is None or not actor.is_active or not holds_role(actor, unit, Role.CLERK):
        raise PermissionDeniedError(_("Only the unit's registry (clerks) may do this."))


def _clean_name(name: str) -> str:
    base = PurePosixPath((name or "").replace("\\", "/")).name.strip()
    return nfc(base)[-200:] or "scan"


def _pdf_name(name: str) -> str:
    stem = PurePosixPath(name).stem or "scan"
    return f"{stem[:190]}.pdf"


def _enqueue_on_commit(job_ids: list[int]) -> None:
    from vcnet.digitize.tasks import scan_process

    def enqueue() -> None:
        for job_id in job_ids:
            scan_process.enqueue(job_id=job_id)

    transaction.on_commit(enqueue)


def _job_new(
    *,
    owner: User,
    unit: Unit,
    name: str,
    data: bytes,
    batch: ImportBatch | None = None,
    pages: int | None = None,
) -> ScanJob:
    job = ScanJob(
        owner=owner,
        unit=unit,
        batch=batch,
        name=name,
        original_type=sniff(data[:16]) or "",
        original_sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=pages,
    )
    job.original.save(name, ContentFile(data), save=False)
    job.save()
    return job


@contextmanager
def _files_cleanup() -> Iterator[list[str]]:
    """Storage names appended to the yielded list are deleted if the block fails."""
    names: list[str] = []
    try:
        yield names
    except BaseException:
        storage = storages["private"]
        for name in names:
            storage.delete(name)
        raise


# --- One scan ---------------------------------------------------------------------------------


def scan_upload(
    *, actor: User, unit: Unit, upload: Upload, request: HttpRequest | None = None
) -> ScanJob:
    """A clerk uploads one scan for `unit`: checked by content, then queued for OCR."""
    clerk_check(actor, unit)
    data = upload.stream.read(max_bytes() + 1)
    info = scan_inspect(data, name=upload.name)
    if not info.has_text and not ocr_status().available:
        raise ScanRefused("unavailable")
    name = _clean_name(upload.name)
    with _files_cleanup() as stored, transaction.atomic():
        job = _job_new(owner=actor, unit=unit, name=name, data=data, pages=info.pages)
        stored.append(job.original.name)
        audit_write(
            actor=actor,
            action="digitize.upload",
            obj=job,
            data={"unit": unit.pk, "sha256": job.original_sha256, "pages": info.pages},
            request=request,
        )
        _enqueue_on_commit([job.pk])
    return job


def _progress_store(job_id: int) -> Any:
    def store(stage: str, percent: int) -> None:
        ScanJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(
            stage=stage[:20], progress=max(1, min(percent, 99))
        )

    return store


def job_run(*, job_id: int) -> ScanJob | None:
    """The OCR task: read the scan, make the searchable PDF, read the fields; a batch's file
    then becomes a draft incoming document (or a duplicate). Never raises for a bad scan: the
    job (and its batch item) records why it failed."""
    with transaction.atomic():
        job = ScanJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED:
            return job
        job.state, job.stage, job.progress = JobState.RUNNING, "checking", 1
        job.started_at, job.finished_at = timezone.now(), None
        job.error = job.error_detail = ""
        job.save()
    try:
        with job.original.open("rb") as stream:
            data = stream.read()
        info = scan_inspect(data)
        if job.batch_id is not None and _batch_duplicate(job, by_number=False):
            return job
        result = pipeline_run(
            data,
            content_type=info.content_type,
            has_text=info.has_text,
            on_progress=_progress_store(job.pk),
        )
        text = nfc(result.text)
        ScanJob.objects.filter(pk=job.pk).update(stage="fields", progress=97)
        extraction = f.extraction_read(text)
    except ScanRefused as exc:
        _job_fail(job, exc.code, exc.detail)
        return job
    except Exception as exc:
        log.exception("OCR job %s failed", job_id)
        _job_fail(job, "ocr_failed", f"{type(exc).__name__}: {exc}"[:2000])
        return job
    with _files_cleanup() as stored, transaction.atomic():
        job.refresh_from_db()
        job.result.save(_pdf_name(job.name), ContentFile(result.pdf), save=False)
        stored.append(job.result.name)
        job.text = text
        job.extraction = extraction
        job.pages, job.ocr_done, job.pdfa = result.pages, result.ocr_done, result.pdfa
        job.error_detail = result.notes[:2000]
        job.state, job.stage, job.progress = JobState.DONE, "done", 100
        job.finished_at = timezone.now()
        job.save()
    if job.batch_id is not None:
        _batch_file(job)
    return job


def _job_fail(job: ScanJob, code: str, detail: str) -> None:
    with transaction.atomic():
        ScanJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            stage="failed",
            error=code[:20],
            error_detail=detail[:4000],
            finished_at=timezone.now(),
        )
        ImportItem.objects.filter(job=job).update(
            state=ItemState.FAILED, reason=code[:20], updated_at=timezone.now()
        )
    job.refresh_from_db()


def job_retry(*, actor: User, job: ScanJob, request: HttpRequest | None = None) -> ScanJob:
    """Queue a failed scan again (a timeout on a busy day, a tool installed since)."""
    clerk_check(actor, job.unit_id)
    with transaction.atomic():
        job = ScanJob.objects.select_for_update().get(pk=job.pk)
        if job.state != JobState.FAILED:
            raise Conflict(_("Only a failed scan can be read again."))
        job.state, job.stage, job.progress = JobState.QUEUED, "queued", 0
        job.error = job.error_detail = ""
        job.finished_at = None
        job.save()
        ImportItem.objects.filter(job=job).update(
            state=ItemState.PENDING,
            reason="",
            attempts=F("attempts") + 1,
            updated_at=timezone.now(),
        )
        audit_write(actor=actor, action="digitize.retry", obj=job, request=request)
        _enqueue_on_commit([job.pk])
    return job


# --- Filing -----------------------------------------------------------------------------------


def duplicates_find(
    *,
    unit_id: int,
    sha256: str,
    organ_name: str = "",
    code_number: str = "",
    code_notation: str = "",
    exclude_job: int | None = None,
) -> list[Document]:
    """Incoming documents of the unit that this scan repeats: the same file (the scan itself,
    or a document already filed from the same scan) or the same issuer, number and notation."""
    probe = Document(
        unit_id=unit_id,
        direction=Direction.INCOMING,
        organ_name=organ_name,
        code_number=code_number,
        code_notation=code_notation,
        content_hash=sha256,
    )
    found = {document.pk: document for document in duplicates_of(probe)}
    same_scan = ScanJob.objects.filter(
        unit_id=unit_id, original_sha256=sha256, document__isnull=False
    )
    if exclude_job is not None:
        same_scan = same_scan.exclude(pk=exclude_job)
    for document in Document.objects.filter(
        Q(pk__in=same_scan.values("document_id"))
        | Q(pk__in=DocumentFile.objects.filter(sha256=sha256).values("document_id")),
        unit_id=unit_id,
        direction=Direction.INCOMING,
    ):
        found.setdefault(document.pk, document)
    return sorted(found.values(), key=lambda document: -document.pk)


def _job_duplicates(job: ScanJob, *, by_number: bool = True) -> list[Document]:
    initial = f.form_initial(job.extraction) if by_number else {}
    return duplicates_find(
        unit_id=job.unit_id,
        sha256=job.original_sha256,
        organ_name=initial.get("organ_name", ""),
        code_number=initial.get("code_number", ""),
        code_notation=initial.get("code_notation", ""),
        exclude_job=job.pk,
    )


def _receive(
    *, actor: User, job: ScanJob, fields: IncomingFields, request: HttpRequest | None
) -> Document:
    """Inside the caller's transaction: the job's searchable PDF as an incoming document."""
    with job.result.open("rb") as stream:
        pdf = stream.read()
    fields.page_amount = fields.page_amount or job.pages or None
    document = document_receive(
        actor=actor,
        unit=job.unit,
        fields=fields,
        main=Upload(stream=io.BytesIO(pdf), name=_pdf_name(job.name)),
        request=request,
    )
    if job.text.strip():
        # The OCR text, in reading order, is better than what pypdf finds in the PDF.
        document.text = job.text[:500_000]
        document.save(update_fields=["text"])
    return document


def _stored_files(document: Document) -> list[str]:
    return list(DocumentFile.objects.filter(document=document).values_list("file", flat=True))


def scan_register(
    *,
    actor: User,
    job: ScanJob,
    fields: IncomingFields,
    submit_to: User | None = None,
    request: HttpRequest | None = None,
) -> Document:
    """The registry files a read scan: received and registered in one step with the fields it
    confirmed or corrected; every field shown is kept as a `FieldCorrection`."""
    clerk_check(actor, job.unit_id)
    with _files_cleanup() as stored, transaction.atomic():
        job = ScanJob.objects.select_for_update().get(pk=job.pk)
        if job.state != JobState.DONE:
            raise Conflict(_("The scan has not been read yet."))
        if job.document_id is not None:
            raise Conflict(_("This scan has already been filed."))
        document = _receive(actor=actor, job=job, fields=fields, request=request)
        stored += _stored_files(document)
        document = document_register(
            actor=actor, document=document, submit_to=submit_to, request=request
        )
        changed = _corrections_store(job, fields, actor)
        job.document = document
        job.registered_at = timezone.now()
        job.save(update_fields=["document", "registered_at"])
        audit_write(
            actor=actor,
            action="digitize.register",
            obj=job,
            data={"document": document.pk, "corrected": changed},
            request=request,
        )
    return document


def _shown(fields: IncomingFields) -> dict[str, str]:
    """The confirmed fields as text, by form field name."""
    return {
        "organ_name": fields.organ_name,
        "code_number": fields.code_number,
        "code_notation": fields.code_notation,
        "place": fields.place,
        "issued_date": fields.issued_date.isoformat() if fields.issued_date else "",
        "doc_type": str(fields.doc_type_id or ""),
        "subject": fields.subject,
        "signer_position": fields.signer_position,
        "signer_name": fields.signer_name,
        "priority": str(fields.priority or 0),
        "confidentiality": str(fields.confidentiality or 0),
    }


def _corrections_store(job: ScanJob, fields: IncomingFields, actor: User) -> list[str]:
    initial = f.form_initial(job.extraction)
    rows, changed = [], []
    for name, kept in _shown(fields).items():
        source = f.FORM_SOURCE[name]
        read = job.field(source)
        before = initial.get(name, "")
        if hasattr(before, "isoformat"):
            before = before.isoformat()
        before = str(before if before is not None else "")
        if name in ("priority", "confidentiality"):
            before = before or "0"
        differs = " ".join(before.split()) != " ".join(kept.split())
        if differs:
            changed.append(name)
        rows.append(
            FieldCorrection(
                job=job,
                field=name,
                extracted=str(read.get("value") or ""),
                corrected=kept,
                confidence=float(read.get("confidence") or 0.0),
                changed=differs,
                user=actor,
            )
        )
    FieldCorrection.objects.bulk_create(rows)
    return changed


def _batch_duplicate(job: ScanJob, *, by_number: bool) -> bool:
    """Marks a batch file that repeats a document as a duplicate; whether it did."""
    duplicates = _job_duplicates(job, by_number=by_number)
    if not duplicates:
        return False
    with transaction.atomic():
        ScanJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            stage="failed",
            error="duplicate",
            finished_at=timezone.now(),
        )
        ImportItem.objects.filter(job=job).update(
            state=ItemState.DUPLICATE,
            reason="duplicate",
            duplicate_of=duplicates[0],
            updated_at=timezone.now(),
        )
    job.refresh_from_db()
    return True


def _draft_fields(job: ScanJob) -> IncomingFields:
    initial = f.form_initial(job.extraction)
    subject = initial.get("subject") or _("Scanned document %(name)s") % {"name": job.name}
    return IncomingFields(
        subject=subject[:500],
        doc_type_id=initial.get("doc_type"),
        code_number=initial.get("code_number", ""),
        code_notation=initial.get("code_notation", ""),
        issued_date=initial.get("issued_date"),
        organ_name=initial.get("organ_name", ""),
        place=initial.get("place", ""),
        signer_position=initial.get("signer_position", ""),
        signer_name=initial.get("signer_name", ""),
        priority=initial.get("priority", 0),
        confidentiality=initial.get("confidentiality", 0),
        extra={"scan": job.pk, "batch": job.batch_id},
    )


def _batch_file(job: ScanJob) -> None:
    """A batch's read scan becomes a draft incoming document (RECEIVED, fields prefilled), or a
    duplicate, or a failure with the reason; never half of one."""
    if _batch_duplicate(job, by_number=True):
        return
    batch = job.batch
    if batch is None:
        return
    try:
        with _files_cleanup() as stored, transaction.atomic():
            locked = ScanJob.objects.select_for_update().get(pk=job.pk)
            if locked.document_id is not None:
                return
            clerk_check(batch.owner, job.unit_id)
            document = _receive(
                actor=batch.owner, job=locked, fields=_draft_fields(locked), request=None
            )
            stored += _stored_files(document)
            ScanJob.objects.filter(pk=job.pk).update(
                document=document, registered_at=timezone.now()
            )
            ImportItem.objects.filter(job=job).update(
                state=ItemState.REGISTERED, reason="", updated_at=timezone.now()
            )
    except PermissionDeniedError as exc:
        _item_fail(job, "not_allowed", str(exc.message))
    except DomainError as exc:
        _item_fail(job, "filing_failed", str(exc.message))
    job.refresh_from_db()


def _item_fail(job: ScanJob, code: str, detail: str) -> None:
    ScanJob.objects.filter(pk=job.pk).update(error_detail=detail[:4000])
    ImportItem.objects.filter(job=job).update(
        state=ItemState.FAILED, reason=code, updated_at=timezone.now()
    )


# --- Batches ----------------------------------------------------------------------------------


def batch_create(
    *,
    actor: User,
    unit: Unit,
    uploads: list[Upload],
    name: str = "",
    request: HttpRequest | None = None,
) -> ImportBatch:
    """Import a zip archive or several scans: one item and one OCR job per file.

    An unsafe archive (traversal, absolute names, links, a bomb, too many files) is refused as a
    whole; a zip inside, an empty or oversized file fails that item only. Every other check
    happens in the file's job, which records its reason.
    """
    clerk_check(actor, unit)
    if not uploads:
        raise DomainError(_("Choose a zip archive or some scanned files."))
    members: list[Member] = []
    for upload in uploads:
        data = upload.stream.read(max(max_bytes(), zip_max_bytes()) + 1)
        if sniff(data[:16]) == ZIP and upload.name.lower().endswith(".zip"):
            members += zip_read(data)
        else:
            members.append(Member(_clean_name(upload.name), data))
        if len(members) > zip_max_files():
            raise ScanRefused("zip_too_many")
    title = (name or "").strip()[:255] or ", ".join(_clean_name(u.name) for u in uploads)[:255]
    jobs: list[int] = []
    with _files_cleanup() as stored, transaction.atomic():
        batch = ImportBatch.objects.create(owner=actor, unit=unit, name=title, total=len(members))
        for position, member in enumerate(members):
            item = ImportItem(batch=batch, position=position, name=_clean_name(member.name))
            reason = _member_refusal(member)
            if reason:
                item.state, item.reason = ItemState.FAILED, reason
            else:
                job = _job_new(
                    owner=actor, unit=unit, name=item.name, data=member.data, batch=batch
                )
                stored.append(job.original.name)
                item.job = job
                jobs.append(job.pk)
            item.save()
        audit_write(
            actor=actor,
            action="digitize.batch",
            obj=batch,
            data={"unit": unit.pk, "files": len(members)},
            request=request,
        )
        _enqueue_on_commit(jobs)
    return batch


def _member_refusal(member: Member) -> str:
    """Why a file of a batch is refused before any job, or ""."""
    if not member.data:
        return "empty"
    if len(member.data) > max_bytes():
        return "too_large"
    if sniff(member.data[:16]) == ZIP:
        return "nested_zip" if member.name.lower().endswith(".zip") else "not_scan"
    return ""


def item_retry(*, actor: User, item: ImportItem, request: HttpRequest | None = None) -> ImportItem:
    """Read a failed file of a batch again."""
    clerk_check(actor, item.batch.unit_id)
    if item.state != ItemState.FAILED or item.job is None:
        raise Conflict(_("Only a failed file that was read can be read again."))
    if item.job.document_id is not None:
        raise Conflict(_("This scan has already been filed."))
    job = item.job
    if job.state == JobState.DONE:  # read, but filing failed: file it again without OCR
        ImportItem.objects.filter(pk=item.pk).update(
            state=ItemState.PENDING, reason="", attempts=F("attempts") + 1
        )
        audit_write(actor=actor, action="digitize.retry", obj=job, request=request)
        _batch_file(job)
    else:
        job_retry(actor=actor, job=job, request=request)
    item.refresh_from_db()
    return item
