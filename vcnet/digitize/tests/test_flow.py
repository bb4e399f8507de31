"""The clerk's path through HTTP: upload a scan, watch it read, confirm or correct the fields,
register it, and find it by a phrase of its body typed without diacritics. Batch import with a
good file, a duplicate and a damaged one. Who may see and file a scan.

OCR is slow (seconds a page), so only two tests run it; the rest use a born-digital PDF, whose
text layer is kept without OCR.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from vcnet.accounts.models import Role, Unit, User
from vcnet.digitize import sample
from vcnet.digitize.errors import ScanRefused
from vcnet.digitize.models import FieldCorrection, ImportItem, ItemState, JobState, ScanJob
from vcnet.digitize.pipeline import pipeline_run
from vcnet.digitize.tests.conftest import letter_pdf, ocr_or_skip, signed_in, zip_of
from vcnet.documents.models import Document, Status
from vcnet.documents.services import incoming
from vcnet.documents.services.incoming import IncomingFields, Upload
from vcnet.documents.tests.factories import member

pytestmark = pytest.mark.django_db


def _upload(client: Client, unit: Unit, name: str, data: bytes, hooks: Any) -> ScanJob:
    with hooks(execute=True):
        response = client.post(
            reverse("digitize:index"), {"unit": unit.pk, "scan": SimpleUploadedFile(name, data)}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ScanJob.objects.get()
    assert response["Location"] == reverse("digitize:job", args=[job.pk])
    return job


def _review_post(page: Any, **changes: str) -> dict[str, Any]:
    """The review form as the browser would send it: the prefilled values, with `changes`."""
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def _search(client: Client, q: str) -> list[str]:
    response = client.get(reverse("documents:search"), {"q": q})
    return [hit.document.subject for hit in response.context["hits"] or []]


def test_scan_read_corrected_registered_and_found_without_diacritics(
    clerk: User,
    official: User,
    outsider: User,
    province: Unit,
    other_province: Unit,
    scan_png: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ocr_or_skip()
    client = signed_in(clerk)
    job = _upload(client, province, "cong-van-45.png", scan_png, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_detail
    assert (job.progress, job.ocr_done, job.pages) == (100, True, 1)
    for phrase in (
        "BAN TUY",
        "45-CV/BTGTU",
        "ngày 12 tháng 3 năm 2026",
        "thiết thực",
        "Nguyễn Văn An",
    ):
        assert phrase in job.text
    with job.result.open("rb") as stream:
        assert stream.read(5) == b"%PDF-"

    # The progress partial tells the page to reload into the review form.
    progress = client.get(reverse("digitize:job_progress", args=[job.pk]))
    assert progress["HX-Refresh"] == "true"

    page = client.get(reverse("digitize:job", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-field="code_number" data-confidence=' in html
    assert page.context["form"].initial["code_number"] == "45"
    assert page.context["form"].initial["code_notation"] == "CV/BTGTU"
    # The searchable PDF shows beside the fields (the page embeds it: same origin only).
    shown = client.get(reverse("digitize:job_pdf", args=[job.pk]))
    assert shown["Content-Type"] == "application/pdf"
    assert shown["X-Frame-Options"] == "SAMEORIGIN"

    # Somebody else's registry, and a non-clerk of the same unit, cannot see or file it.
    other_clerk = member(other_province, Role.CLERK, "Võ Thị Em", "vanthu@hatinh.vcnet.test")
    for user in (other_clerk, outsider, official):
        assert signed_in(user).get(reverse("digitize:job", args=[job.pk])).status_code == 404
        refused = signed_in(user).post(
            reverse("digitize:job", args=[job.pk]), _review_post(page, subject="Giả mạo")
        )
        assert refused.status_code == 404
    assert not Document.objects.exists()

    # The clerk corrects the issuing organisation and registers.
    corrected = "Ban Tuyên giáo Tỉnh ủy Nghệ An"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("digitize:job", args=[job.pk]), _review_post(page, organ_name=corrected)
        )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    assert document.status == Status.REGISTERED and document.arrival_number
    assert (document.organ_name, document.code_number, document.code_notation) == (
        corrected,
        "45",
        "CV/BTGTU",
    )
    assert sample.BODY_PHRASE in " ".join(document.text.split())
    main = document.files.get(current=True)
    assert main.content_type == "application/pdf" and main.name == "cong-van-45.pdf"
    organ = FieldCorrection.objects.get(job=job, field="organ_name")
    assert organ.changed and organ.corrected == corrected and organ.user == clerk
    assert not FieldCorrection.objects.get(job=job, field="code_number").changed

    # Found by a phrase of its body typed without diacritics; not by another unit.
    assert _search(client, "bao dam thiet thuc hieu qua") == [document.subject]
    assert _search(signed_in(outsider), "bao dam thiet thuc") == []

    # Filed once only.
    again = client.post(reverse("digitize:job", args=[job.pk]), _review_post(page))
    assert again.status_code == 302 and Document.objects.count() == 1


def test_born_digital_pdf_keeps_its_text_and_is_filed_through_the_api(
    clerk: User, province: Unit, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(clerk)
    pdf = io.BytesIO(letter_pdf())
    pdf.name = "cong-van.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/digitize/scans", {"unit_id": province.pk, "scan": pdf})
    assert created.status_code == 201, created.content
    scan = client.get(f"/api/v1/digitize/scans/{created.json()['id']}").json()
    assert scan["state"] == "done", scan
    assert scan["ocr_done"] is False
    assert scan["fields"]["code_number"]["value"] == "45"
    assert 0 < scan["fields"]["code_number"]["confidence"] <= 1
    initial = scan["initial"]
    body = {**initial, "signer_name": "Nguyễn Văn Ân", "subject": initial["subject"]}
    with django_capture_on_commit_callbacks(execute=True):
        filed = client.post(
            f"/api/v1/digitize/scans/{scan['id']}/register",
            json.dumps(body),
            content_type="application/json",
        )
    assert filed.status_code == 201, filed.content
    document = Document.objects.get(pk=filed.json()["document_id"])
    assert document.signer_name == "Nguyễn Văn Ân" and document.status == Status.REGISTERED
    assert FieldCorrection.objects.get(field="signer_name").changed
    assert _search(client, "thiet thuc hieu qua tiet kiem") == [document.subject]
    twice = client.post(
        f"/api/v1/digitize/scans/{scan['id']}/register",
        json.dumps(body),
        content_type="application/json",
    )
    assert twice.status_code == 409


def test_batch_gives_a_draft_a_duplicate_and_a_failure_then_retries(
    clerk: User, province: Unit, scan_png: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    ocr_or_skip()
    already = letter_pdf(number="Số 07-CV/BTGTU")
    incoming.document_receive(
        actor=clerk,
        unit=province,
        fields=IncomingFields(subject="Đã nhận trước"),
        main=Upload(stream=io.BytesIO(already), name="da-nhan.pdf"),
    )
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(scan_png)).save(jpeg, format="JPEG", quality=80, dpi=(300, 300))
    archive = zip_of(
        ("quet/cong-van-45.jpg", jpeg.getvalue()),
        ("quet/da-nhan.pdf", already),
        ("quet/hong.png", scan_png[:5000]),
    )
    client = signed_in(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("digitize:batch"),
            {"unit": province.pk, "scans": [SimpleUploadedFile("scans.zip", archive)]},
        )
    assert response.status_code == 302
    items = {item.name: item for item in ImportItem.objects.select_related("job")}
    assert items["cong-van-45.jpg"].state == ItemState.REGISTERED
    draft = items["cong-van-45.jpg"].job.document
    assert draft is not None and draft.status == Status.RECEIVED
    assert (draft.code_number, draft.code_notation) == ("45", "CV/BTGTU")
    assert "thiết thực" in draft.text
    assert items["da-nhan.pdf"].state == ItemState.DUPLICATE
    assert items["da-nhan.pdf"].duplicate_of is not None
    assert (items["hong.png"].state, items["hong.png"].reason) == (ItemState.FAILED, "bad_image")
    assert Document.objects.count() == 2  # the earlier one and the draft: nothing half-made

    page = client.get(response["Location"])
    assert page.context["progress"].percent == 100 and page.context["progress"].finished
    html = page.content.decode()
    assert "The image is damaged" in html and "Retry" in html

    # A retry of the damaged file fails again, with the same reason, and is counted.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("digitize:item_retry", args=[items["hong.png"].pk]))
    items["hong.png"].refresh_from_db()
    assert (items["hong.png"].state, items["hong.png"].attempts) == (ItemState.FAILED, 1)

    api = client.get(f"/api/v1/digitize/batches/{items['hong.png'].batch_id}").json()
    assert sorted(item["state"] for item in api["items"]) == ["duplicate", "failed", "registered"]


def test_a_scan_over_its_time_is_stopped(scan_png: bytes) -> None:
    ocr_or_skip()
    with pytest.raises(ScanRefused) as refused:
        pipeline_run(scan_png, content_type="image/png", seconds=1)
    assert refused.value.code == "timeout"


def test_a_scan_over_its_memory_is_stopped(scan_png: bytes) -> None:
    ocr_or_skip()
    with pytest.raises(ScanRefused) as refused:
        pipeline_run(scan_png, content_type="image/png", memory_mb=100)
    assert refused.value.code == "memory"


def test_unavailable_ocr_is_said_on_the_page(clerk: User, monkeypatch: Any) -> None:
    from vcnet.digitize import pipeline

    monkeypatch.setattr(pipeline.shutil, "which", lambda name: None)
    pipeline.ocr_status.cache_clear()
    try:
        page = signed_in(clerk).get(reverse("digitize:index")).content.decode()
        assert "Text recognition (OCR) is unavailable on this server" in page
        assert "tesseract-ocr" in page and "ghostscript" in page
    finally:
        pipeline.ocr_status.cache_clear()
