"""Signing API: validation of signed PDFs (POST /validate, GET /reports/{id}).

The report has an explicit schema: one entry per signature (signer, chain and trust, signing
time and timestamp, integrity, PAdES level, coverage, what changed after it, revocation, the
reasons when it is not valid) and the document timestamps; sentences in the caller's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from vcnet.core.api_auth import current_user
from vcnet.documents.services.common import max_upload_bytes
from vcnet.signing import validation
from vcnet.signing.models import ValidationReport

router = Router()

Verdict = Literal["valid", "warning", "invalid", "unsigned", "error"]


class CertificateOut(Schema):
    subject: str
    common_name: str
    issuer: str
    serial: str
    not_before: dt.datetime | None
    not_after: dt.datetime | None
    fingerprint: str
    trusted_root: bool = False


class TimestampOut(Schema):
    time: dt.datetime | None
    authority: str
    intact: bool
    trusted: bool


class ModificationsOut(Schema):
    level: Literal["none", "lta_updates", "form_filling", "annotations", "other", "unknown"]
    docmdp_ok: bool | None
    description: str
    detail: str


class SignatureOut(Schema):
    field: str
    signer: str
    subject: str
    issuer: str
    serial: str
    chain: list[CertificateOut]
    trusted: bool
    intact: bool
    valid: bool
    signed_at: dt.datetime | None
    timestamp: TimestampOut | None
    level: str
    coverage: Literal["entire_file", "entire_revision", "partial"]
    certification: int | None
    modifications: ModificationsOut
    revocation: Literal["good", "revoked", "unknown"]
    reasons: list[str]
    reason_texts: list[str]
    verdict: Literal["valid", "warning", "invalid"]
    reason: str
    location: str
    detail: str


class DocumentTimestampOut(Schema):
    field: str
    authority: str
    time: dt.datetime | None
    intact: bool
    trusted: bool
    coverage: Literal["entire_file", "entire_revision", "partial"]
    modifications: ModificationsOut
    reasons: list[str]
    reason_texts: list[str]
    verdict: Literal["valid", "warning", "invalid"]


class ReportOut(Schema):
    id: int
    sha256: str
    file_name: str
    document_id: int | None
    document_file_id: int | None
    created_at: dt.datetime
    verdict: Verdict
    summary: str
    error: str
    error_message: str
    signature_count: int
    valid_count: int
    signatures: list[SignatureOut]
    document_timestamps: list[DocumentTimestampOut]


def _out(report: ValidationReport) -> dict[str, Any]:
    shown = validation.report_present(report.report)
    return {
        **shown,
        "id": report.pk,
        "sha256": report.sha256,
        "file_name": report.file_name,
        "document_id": report.document_file.document_id if report.document_file else None,
        "document_file_id": report.document_file_id,
        "created_at": report.created_at,
        "verdict": report.verdict,
        "signature_count": report.signature_count,
        "valid_count": report.valid_count,
        "error": shown.get("error") or "",
    }


@router.post(
    "/validate",
    response={201: ReportOut},
    summary="Validate the signatures of a PDF (multipart `file`)",
)
def validate(request: HttpRequest, file: File[UploadedFile]) -> tuple[int, dict[str, Any]]:
    """Every signature of the uploaded PDF, checked; the report is kept for the caller. An
    empty, oversized or non-PDF file is refused (400); an unreadable PDF gives verdict "error"."""
    data = file.read(max_upload_bytes() + 1)
    report = validation.report_upload(
        actor=current_user(request), data=data, file_name=file.name or ""
    )
    return 201, _out(report)


@router.get("/reports/{int:report_id}", response=ReportOut, summary="A validation report")
def report_get(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """A report the caller may read: their own upload, or one of a document they may read."""
    return _out(validation.report_for_user(current_user(request), report_id))
