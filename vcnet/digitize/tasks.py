"""Background work of the digitize app: OCR jobs, on their own "ocr" queue (ids only)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="ocr")
def scan_process(*, job_id: int) -> dict[str, object]:
    """Read one scan (OCR, fields) and, for a batch's file, file it as a draft document."""
    from vcnet.digitize.services import job_run

    job = job_run(job_id=job_id)
    if job is None:
        return {"job": job_id, "state": "missing"}
    return {"job": job.pk, "state": job.state, "error": job.error}
