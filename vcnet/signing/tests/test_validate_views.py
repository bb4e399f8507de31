"""The validation page and API from the outside: upload, read a report, bad files, and who may
open a report (the uploader; people who may read the document)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import Unit, User
from vcnet.documents.models import DocumentFile, FileKind
from vcnet.documents.services.incoming import Upload
from vcnet.signing.models import Certificate, ValidationReport
from vcnet.signing.tests.conftest import (  # noqa: F401 (fixtures)
    leader_cert,
    platform_ca,
    seal_cert,
)
from vcnet.signing.tests.test_validation import (  # noqa: F401 (fixture)
    encrypt,
    leader_and_seal,
    make_pdf,
    signed_and_sealed,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/signatures"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload_page(client: Client, data: bytes, name: str = "quyet-dinh.pdf") -> Any:
    return client.post(reverse("signing:validate"), {"file": _file(data, name)})


def _file(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def signed_pdf(leader_and_seal: tuple[Certificate, Certificate]) -> bytes:  # noqa: F811
    return signed_and_sealed(leader_and_seal)


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("signing:validate"))
    assert response.status_code == 302
    assert client.post(f"{API}/validate").status_code == 401


def test_upload_and_read_the_report(official: User, signed_pdf: bytes) -> None:
    client = as_user(official)
    page = client.get(reverse("signing:validate"))
    assert page.status_code == 200
    response = upload_page(client, signed_pdf)
    assert response.status_code == 302
    report = ValidationReport.objects.get(requested_by=official)
    assert response["Location"] == reverse("signing:validate_report", args=[report.pk])
    assert (report.verdict, report.signature_count, report.valid_count) == ("valid", 2, 2)
    assert report.file_name == "quyet-dinh.pdf"
    assert report.document_file is None
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Văn An" in body
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in body
    assert body.count('class="card stack vc-signature" data-verdict="valid"') == 2
    # The upload page lists it among my recent checks.
    assert (
        f'href="{response["Location"]}"' in client.get(reverse("signing:validate")).content.decode()
    )


def test_bad_files_on_the_page(official: User, signed_pdf: bytes, settings: Any) -> None:
    client = as_user(official)
    response = upload_page(client, b"khong phai PDF" * 20, "anh.pdf")
    assert response.status_code == 400
    assert ValidationReport.objects.count() == 0
    response = upload_page(client, encrypt(signed_pdf))
    assert response.status_code == 302  # stored as a report with verdict "error", explained
    report = ValidationReport.objects.get()
    assert (report.verdict, report.report["error"]) == ("error", "encrypted")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-verdict="error"' in page.content.decode()
    response = upload_page(client, signed_pdf[: len(signed_pdf) // 2])
    assert ValidationReport.objects.latest("pk").report["error"] == "truncated"
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    response = upload_page(client, signed_pdf)
    assert response.status_code == 400
    assert ValidationReport.objects.count() == 2


def test_api_validate_and_get(official: User, signed_pdf: bytes) -> None:
    client = as_user(official)
    response = client.post(f"{API}/validate", {"file": _file(signed_pdf, "qd.pdf")})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["verdict"] == "valid"
    assert (data["signature_count"], data["valid_count"]) == (2, 2)
    assert data["document_id"] is None
    first = data["signatures"][0]
    assert first["signer"] == "Nguyễn Văn An"
    assert first["revocation"] == "good"
    assert first["modifications"]["level"] == "form_filling"
    assert first["modifications"]["description"]
    assert first["chain"][-1]["trusted_root"] is True
    assert first["certification"] == 2
    again = client.get(f"{API}/reports/{data['id']}")
    assert again.status_code == 200
    assert again.json()["sha256"] == data["sha256"]


def test_api_bad_files(official: User, signed_pdf: bytes) -> None:
    client = as_user(official)
    response = client.post(f"{API}/validate", {"file": _file(b"garbage" * 50, "x.pdf")})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    response = client.post(f"{API}/validate", {"file": _file(b"", "x.pdf")})
    assert response.status_code in (400, 422)
    response = client.post(f"{API}/validate", {"file": _file(encrypt(signed_pdf), "x.pdf")})
    assert response.status_code == 201
    assert (response.json()["verdict"], response.json()["error"]) == ("error", "encrypted")
    assert response.json()["error_message"]


def test_another_users_upload_is_not_found(
    official: User, outsider: User, clerk: User, signed_pdf: bytes
) -> None:
    upload_page(as_user(official), signed_pdf)
    report = ValidationReport.objects.get()
    for other in (outsider, clerk):  # even a colleague of the same unit
        client = as_user(other)
        assert client.get(reverse("signing:validate_report", args=[report.pk])).status_code == 404
        assert client.get(f"{API}/reports/{report.pk}").status_code == 404
    assert as_user(official).get(f"{API}/reports/{report.pk + 1000}").status_code == 404


def test_a_documents_report_follows_the_document(
    clerk: User,
    leader: User,
    outsider: User,
    province: Unit,
    signed_pdf: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from vcnet.documents.services.incoming import document_receive
    from vcnet.documents.tests.factories import incoming_fields

    with django_capture_on_commit_callbacks(execute=True):
        document = document_receive(
            actor=clerk,
            unit=province,
            fields=incoming_fields(),
            main=Upload(stream=io.BytesIO(signed_pdf), name="qd-da-ky.pdf"),
        )
    stored = DocumentFile.objects.get(document=document, kind=FileKind.MAIN)
    report = ValidationReport.objects.get(document_file=stored)
    url = reverse("signing:validate_report", args=[report.pk])
    # The receiving clerk sees the result on the document page and opens the report.
    page = as_user(clerk).get(reverse("documents:detail", args=[document.pk]))
    body = page.content.decode()
    assert 'data-verdict="valid"' in body
    assert url in body
    assert ("2 valid signatures" in body) or ("2 chữ ký hợp lệ" in body)
    assert as_user(clerk).get(url).status_code == 200
    assert as_user(leader).get(f"{API}/reports/{report.pk}").json()["document_id"] == document.pk
    # Someone of another unit cannot, by the page, the API or asking for a new check.
    client = as_user(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"{API}/reports/{report.pk}").status_code == 404
    check = reverse("signing:validate_file", args=[stored.pk])
    assert client.post(check).status_code == 404
    # The clerk checks again (a new computation, same report row).
    response = as_user(clerk).post(check)
    assert response.status_code == 302
    assert response["Location"] == url
    assert ValidationReport.objects.filter(document_file=stored).count() == 1


def test_an_unchecked_pdf_offers_a_check(clerk: User, province: Unit, signed_pdf: bytes) -> None:
    from vcnet.documents.services.incoming import document_receive
    from vcnet.documents.tests.factories import incoming_fields

    document = document_receive(  # no commit here: the background check has not run
        actor=clerk,
        unit=province,
        fields=incoming_fields(),
        main=Upload(stream=io.BytesIO(make_pdf()), name="cong-van.pdf"),
    )
    stored = DocumentFile.objects.get(document=document, kind=FileKind.MAIN)
    client = as_user(clerk)
    body = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert reverse("signing:validate_file", args=[stored.pk]) in body
    response = client.post(reverse("signing:validate_file", args=[stored.pk]))
    assert response.status_code == 302
    assert ValidationReport.objects.get(document_file=stored).verdict == "unsigned"
    assert client.get(reverse("signing:validate_file", args=[stored.pk])).status_code == 405
