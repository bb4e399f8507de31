"""The validation pages: upload a PDF and read the report of its signatures; check a document's
file again. Thin: parse, call `vcnet.signing.validation`, render."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError
from vcnet.documents.services.common import max_upload_bytes
from vcnet.signing import validation
from vcnet.signing.models import ValidationReport

# Colours of a verdict (classes of the base CSS).
VERDICT_CLASSES = {
    "valid": "success",
    "warning": "warning",
    "invalid": "error",
    "error": "error",
    "unsigned": "info",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF file"),
        help_text=_("The file is only checked; it is kept for you alone and sent nowhere."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _grouped(text: str, size: int) -> str:
    """A long hex string in groups, so it wraps on a phone."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def _shown(report: ValidationReport) -> dict[str, Any]:
    """The report in the reader's language, with dates as datetimes for the template."""
    shown = validation.report_present(report.report)
    shown["sha256_display"] = _grouped(report.sha256, 8)
    for entry in shown.get("signatures", []):
        entry["signed_at"] = _when(entry.get("signed_at"))
        entry["serial_display"] = _grouped(entry.get("serial", ""), 4)
        entry["css"] = VERDICT_CLASSES.get(entry.get("verdict", ""), "error")
        if entry.get("timestamp"):
            entry["timestamp"]["time"] = _when(entry["timestamp"].get("time"))
        for cert in entry.get("chain", []):
            cert["not_before"] = _when(cert.get("not_before"))
            cert["not_after"] = _when(cert.get("not_after"))
    for entry in shown.get("document_timestamps", []):
        entry["time"] = _when(entry.get("time"))
        entry["css"] = VERDICT_CLASSES.get(entry.get("verdict", ""), "error")
    return shown


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Anyone signed in uploads a PDF and gets the report of its signatures."""
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            limit = max_upload_bytes()
            data = uploaded.read(limit + 1)
            try:
                report = validation.report_upload(
                    actor=_user(request), data=data, file_name=uploaded.name or ""
                )
            except DomainError as exc:
                form.add_error("file", str(exc.message))
            else:
                return redirect("signing:validate_report", report.pk)
        status = 400
    mine = ValidationReport.objects.filter(
        requested_by=_user(request), document_file__isnull=True
    ).order_by("-created_at")[:10]
    return render(
        request,
        "signing/validate.html",
        {"form": form, "recent": mine, "max_mb": max_upload_bytes() // (1024 * 1024)},
        status=status,
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: a card per signature (signer, chain, time, integrity, changes, revocation)."""
    report = validation.report_for_user(_user(request), pk)
    document = report.document_file.document if report.document_file is not None else None
    return render(
        request,
        "signing/validate_report.html",
        {
            "report": report,
            "shown": _shown(report),
            "css": VERDICT_CLASSES.get(report.verdict, "error"),
            "document": document,
        },
    )


@login_required
@require_POST
def file_check(request: HttpRequest, file_id: int) -> HttpResponse:
    """Validate a document's PDF file again now (trust or revocations may have changed)."""
    stored = validation.file_for_user(_user(request), file_id)
    report = validation.report_for_file(stored, refresh=True)
    return redirect("signing:validate_report", report.pk)
