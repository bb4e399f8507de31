"""Background work of the signing app (ids and JSON only; each task wraps one service)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def validate_file(document_file_id: int) -> dict[str, object]:
    """Validate the signatures of one document file (on arrival) and store the report."""
    from vcnet.documents.models import DocumentFile
    from vcnet.signing.validation import report_for_file

    stored = DocumentFile.objects.filter(pk=document_file_id).first()
    if stored is None:
        return {"verdict": None}
    report = report_for_file(stored, refresh=True)
    return {"report": report.pk, "verdict": report.verdict}


@task(queue_name="default")
def signature_requests_expire() -> int:
    """Expire the two-step signing requests nobody completed in time (run hourly by the clock)."""
    from vcnet.signing.requests import signature_requests_expire as expire

    return expire()
