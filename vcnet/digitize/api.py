"""JSON API of the digitize app at /api/v1/digitize: upload a scan, follow it, file it with the
confirmed fields; import a batch and follow it. Thin: parse, call a selector or a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from vcnet.digitize import fields as f
from vcnet.digitize import selectors, services
from vcnet.digitize.models import ImportBatch, ImportItem, ScanJob
from vcnet.digitize.pipeline import ocr_status
from vcnet.documents.api_common import person_get, request_user, unit_get, upload_of
from vcnet.documents.schemas import IncomingFieldsIn
from vcnet.documents.services.incoming import IncomingFields

router = Router(tags=["digitize"])


class StatusOut(Schema):
    ocr_available: bool
    missing: list[str] = Field(description="Packages OCR needs that this server lacks.")
    max_pages: int


class FieldRead(Schema):
    value: str
    confidence: float = Field(ge=0, le=1)


class ScanOut(Schema):
    id: int
    unit_id: int
    name: str
    state: str = Field(description="queued, running, done or failed")
    progress: int = Field(ge=0, le=100)
    stage: str
    pages: int | None
    ocr_done: bool
    pdfa: bool
    error: str = Field(description="Why it failed (a code), empty otherwise.")
    error_message: str
    fields: dict[str, FieldRead] = Field(description="The fields read, each with a confidence.")
    initial: dict[str, Any] = Field(
        description="The register fields these suggest, named as `register` takes them."
    )
    document_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_fields(job: ScanJob) -> dict[str, Any]:
        return {name: job.field(name) for name in f.EXTRACTED if job.extraction}

    @staticmethod
    def resolve_initial(job: ScanJob) -> dict[str, Any]:
        initial = f.form_initial(job.extraction)
        if "doc_type" in initial:
            initial["doc_type_id"] = initial.pop("doc_type")
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in initial.items()}

    @staticmethod
    def resolve_error_message(job: ScanJob) -> str:
        return str(job.error_message)


class ScanRegisterIn(IncomingFieldsIn):
    submit_to: int | None = Field(None, description="A leader to submit to at once (user id).")


class RegisteredOut(Schema):
    document_id: int
    arrival_number: int | None


class ItemOut(Schema):
    id: int
    name: str
    state: str = Field(description="pending, registered (draft received), duplicate or failed")
    reason: str
    reason_message: str
    scan_id: int | None
    document_id: int | None
    duplicate_of_id: int | None

    @staticmethod
    def resolve_scan_id(item: ImportItem) -> int | None:
        return item.job_id

    @staticmethod
    def resolve_reason_message(item: ImportItem) -> str:
        return str(item.reason_message)

    @staticmethod
    def resolve_document_id(item: ImportItem) -> int | None:
        return item.job.document_id if item.job is not None else None


class BatchOut(Schema):
    id: int
    unit_id: int
    name: str
    total: int
    percent: int
    finished: bool
    items: list[ItemOut]


def _batch_out(batch: ImportBatch) -> dict[str, Any]:
    progress = selectors.batch_progress(batch)
    return {
        "id": batch.pk,
        "unit_id": batch.unit_id,
        "name": batch.name,
        "total": progress.total,
        "percent": progress.percent,
        "finished": progress.finished,
        "items": list(selectors.batch_items(batch)),
    }


@router.get("/status", response=StatusOut, summary="Whether OCR is available")
def status(request: HttpRequest) -> dict[str, Any]:
    from vcnet.digitize.inputs import max_pages

    current = ocr_status()
    return {
        "ocr_available": current.available,
        "missing": list(current.missing),
        "max_pages": max_pages(),
    }


@router.post("/scans", response={201: ScanOut}, summary="Upload a scan to read")
def scan_upload(request: HttpRequest, unit_id: Form[int], scan: File[UploadedFile]) -> Status:
    """A clerk uploads a scan (PDF, JPEG, PNG, TIFF); poll it until `state` is done."""
    job = services.scan_upload(
        actor=request_user(request), unit=unit_get(unit_id), upload=upload_of(scan), request=request
    )
    return Status(201, selectors.job_for_user(request_user(request), job.pk))


@router.get("/scans/{int:scan_id}", response=ScanOut, summary="A scan: progress and fields read")
def scan_get(request: HttpRequest, scan_id: int) -> ScanJob:
    return selectors.job_for_user(request_user(request), scan_id)


@router.post(
    "/scans/{int:scan_id}/register",
    response={201: RegisteredOut},
    summary="File a read scan as a registered incoming document",
)
def scan_register(request: HttpRequest, scan_id: int, data: ScanRegisterIn) -> Status:
    user = request_user(request)
    job = selectors.job_for_user(user, scan_id)
    document = services.scan_register(
        actor=user,
        job=job,
        fields=IncomingFields(
            subject=data.subject,
            doc_type_id=data.doc_type_id,
            code_number=data.code_number,
            code_notation=data.code_notation,
            issued_date=data.issued_date,
            organ_name=data.organ_name,
            organ_id=data.organ_id,
            place=data.place,
            signer_position=data.signer_position,
            signer_name=data.signer_name,
            priority=data.priority,
            confidentiality=data.confidentiality,
            due_date=data.due_date,
            due_at=data.due_at,
            page_amount=data.page_amount,
            language=data.language,
            description=data.description,
        ),
        submit_to=None if data.submit_to is None else person_get(data.submit_to),
        request=request,
    )
    return Status(201, {"document_id": document.pk, "arrival_number": document.arrival_number})


@router.post("/batches", response={201: BatchOut}, summary="Import a zip or several scans")
def batch_create(
    request: HttpRequest,
    unit_id: Form[int],
    files: File[list[UploadedFile]],
    name: Form[str] = "",
) -> Status:
    user = request_user(request)
    batch = services.batch_create(
        actor=user,
        unit=unit_get(unit_id),
        uploads=[upload_of(file) for file in files],
        name=name,
        request=request,
    )
    return Status(201, _batch_out(batch))


@router.get("/batches/{int:batch_id}", response=BatchOut, summary="A batch: progress and files")
def batch_get(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return _batch_out(selectors.batch_for_user(request_user(request), batch_id))
