"""Digital signatures in the outgoing workflow, through the pages, with real keys.

The leader signs in the browser (certificate and PIN, or a token through a signing request), the
registry numbers (the number and date written into the PDF) and issues (the unit's seal over
the leader's signature, a text stamp on attachments), the recipient unit gets the sealed file.
The final PDF is checked by pyHanko and by poppler's `pdfsig`.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import Client
from django.utils import timezone, translation
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import validation as pyhanko_validation
from pyhanko.sign.diff_analysis import ModificationLevel

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.errors import DomainError, PermissionDeniedError
from vcnet.documents.demo_data import document_pdf
from vcnet.documents.models import Document, DocumentFile, FileKind, Status
from vcnet.documents.services import signing
from vcnet.documents.services.incoming import Upload
from vcnet.documents.services.outgoing import (
    DraftFields,
    RecipientSpec,
    document_issue,
    document_number,
    document_sign_upload,
    draft_create,
    draft_submit,
)
from vcnet.documents.tests.factories import upload
from vcnet.documents.tests.outgoing_flow import approve_all, doc_type, member
from vcnet.signing import appearances, ca, keys, requests
from vcnet.signing.models import Certificate, SignatureRequest, SigningJob
from vcnet.signing.tests.conftest import (  # noqa: F401  (fixtures)
    TEST_PIN,
    leader_cert,
    platform_ca,
    seal_cert,
)

PDFSIG = shutil.which("pdfsig")
PDFTOPPM = shutil.which("pdftoppm")
SUBJECT = "Về việc tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam"


@pytest.fixture(autouse=True)
def _seal_required(settings: Any) -> None:
    """The default: a unit issues only with its seal (the e-office tests relax this)."""
    settings.SIGNING_ISSUE_WITHOUT_SEAL = False


def decree30_pdf(leader: User, subject: str = SUBJECT) -> bytes:
    """A draft laid out as Decree 30 says: "Số", the date line, position line, the name."""
    return document_pdf(
        issuer="Ban Tuyên giáo",
        issuer_parent="TỈNH ỦY NGHỆ AN",
        code="    -CV/BTGTU",
        place="Nghệ An",
        day=timezone.localdate(),
        type_name="Công văn",
        subject=subject,
        signer_position="Trưởng ban",
        signer_name=leader.full_name,
        signed_note="",
    )


def attachment_pdf() -> bytes:
    return document_pdf(
        issuer="Ban Tuyên giáo",
        issuer_parent="TỈNH ỦY NGHỆ AN",
        code="",
        place="Nghệ An",
        day=timezone.localdate(),
        type_name="Phụ lục",
        subject="Danh mục tài liệu tuyên truyền kèm theo Công văn",
        signer_position="",
        signer_name="",
        signed_note="",
    )


def to_sign(
    *,
    province: Unit,
    official: User,
    leader: User,
    clerk: User,
    main: bytes,
    recipients: list[RecipientSpec] | None = None,
    attachments: list[Upload] | None = None,
    subject: str = SUBJECT,
) -> Document:
    """A draft of `province` taken through its approvals to TO_SIGN, for `leader` to sign."""
    document = draft_create(
        actor=official,
        unit=province,
        fields=DraftFields(
            subject=subject,
            doc_type_id=doc_type("cong-van").pk,
            recipients=recipients or [],
            recipients_text="Như trên; Lưu VT.",
        ),
        main=Upload(stream=io.BytesIO(main), name="du-thao.pdf"),
        attachments=attachments,
    )
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    document = approve_all(document)
    assert document.status == Status.TO_SIGN
    return document


def _images(leader: User, clerk: User, unit: Unit) -> None:
    """The leader's blue signature and the unit's red seal, uploaded through the service."""
    appearances.signature_image_upload(
        actor=leader,
        data=appearances.demo_signature_png(leader.full_name),
        kind="signature",
        owner=leader,
    )
    appearances.signature_image_upload(
        actor=clerk, data=appearances.demo_seal_png(unit.name), kind="seal", unit=unit
    )


def current(document: Document, kind: str, slot: int = 0) -> DocumentFile:
    return DocumentFile.objects.get(document=document, kind=kind, slot=slot, current=True)


def read(stored: DocumentFile) -> bytes:
    with stored.file.open("rb") as handle:
        return bytes(handle.read())


def pdfsig_results(data: bytes, tmp_path: Path) -> list[str]:
    """poppler's verdict on each signature ("Signature is Valid." when intact)."""
    assert PDFSIG is not None
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    return [
        line.split(":", 1)[1].strip()
        for line in out.splitlines()
        if line.strip().startswith("- Signature Validation:")
    ]


def render(data: bytes, tmp_path: Path, page: int, name: str) -> Image.Image:
    """Page `page` (1-based) as a PNG, 72 dpi: one pixel per PDF point."""
    assert PDFTOPPM is not None
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(
        [PDFTOPPM, "-r", "72", "-f", str(page), "-l", str(page), "-png", "-singlefile",
         str(source), str(tmp_path / name)],
        check=True, timeout=60,
    )  # fmt: skip
    return Image.open(tmp_path / f"{name}.png").convert("RGB")


def pixels(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[int, int, int]]:
    raw = image.crop(box).tobytes()
    return list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))


def dark(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many dark (text) pixels lie in `box`."""
    return sum(1 for p in pixels(image, box) if sum(p) < 200)


def coloured(image: Image.Image, box: tuple[int, int, int, int], colour: str) -> int:
    """How many clearly blue (signature ink) or red (seal ink) pixels lie in `box`."""
    count = 0
    for r, g, b in pixels(image, box):
        if colour == "blue" and b > 120 and b > r + 40 and b > g + 20:
            count += 1
        if colour == "red" and r > 150 and r > g + 60 and r > b + 60:
            count += 1
    return count


@pytest.mark.django_db(transaction=False)
@pytest.mark.skipif(PDFSIG is None or PDFTOPPM is None, reason="poppler-utils is not installed")
def test_leader_signs_clerk_numbers_and_seals_recipient_gets_two_valid_signatures(
    client: Client,
    province: Unit,
    other_province: Unit,
    leader: User,
    clerk: User,
    official: User,
    leader_cert: Callable[..., Certificate],  # noqa: F811
    seal_cert: Callable[..., Certificate],  # noqa: F811
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    certificate = leader_cert(leader)
    seal_cert(province)
    seal_cert(other_province)
    _images(leader, clerk, province)
    other_clerk = member(other_province, Role.CLERK, "Hoàng Thị Thu", "Văn thư")
    document = to_sign(
        province=province,
        official=official,
        leader=leader,
        clerk=clerk,
        main=decree30_pdf(leader),
        recipients=[RecipientSpec(unit_id=other_province.pk)],
        attachments=[Upload(stream=io.BytesIO(attachment_pdf()), name="phu-luc.pdf")],
    )

    # The leader opens the signing page from the document and signs with the PIN.
    client.force_login(leader)
    page = client.get(f"/documents/{document.pk}/")
    assert f"/documents/{document.pk}/sign/".encode() in page.content
    page = client.get(f"/documents/{document.pk}/sign/")
    assert page.status_code == 200
    assert b'name="pin"' in page.content
    response = client.post(
        f"/documents/{document.pk}/sign/", {"certificate": certificate.pk, "pin": TEST_PIN}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.status == Status.TO_ISSUE
    signed = current(document, FileKind.SIGNED)
    assert signed.document.events.filter(verb="signed").exists()

    # The registry numbers (the number and date go into the PDF) and issues (the seal).
    client.force_login(clerk)
    assert client.post(f"/documents/{document.pk}/do/number/", {}).status_code == 302
    document.refresh_from_db()
    assert document.code_number
    numbered = current(document, FileKind.SIGNED)
    assert numbered.version == signed.version + 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{document.pk}/do/issue/", {}, follow=True)
    document.refresh_from_db()
    assert document.status == Status.ISSUED, response.content.decode()[:3000]
    final = current(document, FileKind.SIGNED)
    assert final.version == numbered.version + 1
    data = read(final)

    # pyHanko: two signatures, both intact and trusted; after the leader's only form filling
    # (the number and date) and the seal's signature.
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 2
    context = ca.validation_context()
    leader_sig, seal_sig = reader.embedded_signatures
    leader_status = pyhanko_validation.validate_pdf_signature(leader_sig, context)
    seal_status = pyhanko_validation.validate_pdf_signature(seal_sig, context)
    assert leader_status.intact and leader_status.valid and leader_status.trusted
    assert seal_status.intact and seal_status.valid and seal_status.trusted
    assert leader_status.docmdp_ok
    assert leader_status.modification_level == ModificationLevel.FORM_FILLING
    assert leader_sig.docmdp_level is not None  # the leader's is a certification signature
    fields = {name for name, _value, _ref in _fields(reader)}
    assert {"vcnet_number", "vcnet_date"} <= fields

    # poppler's pdfsig, an independent verifier: both signatures valid.
    assert pdfsig_results(data, tmp_path) == ["Signature is Valid.", "Signature is Valid."]

    # The attachment in its own file carries the seal with the text stamp.
    stamped = current(document, FileKind.ATTACHMENT, slot=1)
    assert stamped.version == 2
    attachment = read(stamped)
    assert len(PdfFileReader(io.BytesIO(attachment)).embedded_signatures) == 1
    assert pdfsig_results(attachment, tmp_path) == ["Signature is Valid."]

    # Where Decree 30 puts the stamps: blue signature and red seal over the signature block
    # (lower right of the last page), the number and date on page 1, the text stamp top right.
    last = render(data, tmp_path, 1, "van-ban")
    width, height = last.size
    lower_right = (width // 2, height // 2, width, height)
    assert coloured(last, lower_right, "blue") > 200
    assert coloured(last, lower_right, "red") > 500
    stamp_page = render(attachment, tmp_path, 1, "phu-luc")
    top_right = (width // 2, 0, width, height // 8)
    assert dark(stamp_page, top_right) > 50

    # The recipient's copy is the sealed file itself, with 2 valid signatures.
    copy = Document.objects.get(origin=document, unit=other_province)
    received = current(copy, FileKind.MAIN)
    assert received.sha256 == final.sha256
    from vcnet.signing.validation import report_for_file

    report = report_for_file(received)
    assert (report.signature_count, report.valid_count) == (2, 2)
    client.force_login(other_clerk)
    page = client.get(f"/documents/{copy.pk}/")
    assert page.status_code == 200
    assert b'data-verdict="valid"' in page.content  # the badge: "2 chữ ký hợp lệ"

    # The recipient's registry makes an electronic copy (sao y), signed with its own seal.
    response = client.post(f"/documents/{copy.pk}/copy/", {"copy_type": "sao_y"})
    assert response.status_code == 302
    made = DocumentFile.objects.get(document=copy, kind=FileKind.COPY)
    copied = read(made)
    # A new PDF that shows the original (both stamps drawn in) and carries the copying unit's
    # seal with the "SAO Y" text stamp at the top right of page 1.
    assert len(PdfFileReader(io.BytesIO(copied)).embedded_signatures) == 1
    assert pdfsig_results(copied, tmp_path) == ["Signature is Valid."]
    copy_page = render(copied, tmp_path, 1, "sao-y")
    assert coloured(copy_page, lower_right, "red") > 500
    assert dark(copy_page, top_right) > 50
    assert copy.events.filter(verb="copied").exists()


def _fields(reader: PdfFileReader) -> list[tuple[str, Any, Any]]:
    form = reader.root["/AcroForm"]
    return [(str(ref.get_object().get("/T")), None, ref) for ref in form["/Fields"]]


@pytest.fixture
def signing_setup(
    province: Unit,
    leader: User,
    clerk: User,
    official: User,
    leader_cert: Callable[..., Certificate],  # noqa: F811
    settings: Any,
) -> tuple[Document, Certificate]:
    settings.SIGNING_LEVEL = "B-B"  # the errors and permissions need no timestamps
    certificate = leader_cert(leader)
    document = to_sign(
        province=province, official=official, leader=leader, clerk=clerk, main=decree30_pdf(leader)
    )
    return document, certificate


def test_wrong_pin_shows_the_error_and_changes_nothing(
    client: Client, leader: User, signing_setup: tuple[Document, Certificate]
) -> None:
    document, certificate = signing_setup
    client.force_login(leader)
    response = client.post(
        f"/documents/{document.pk}/sign/", {"certificate": certificate.pk, "pin": "654321"}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN
    assert not DocumentFile.objects.filter(document=document, kind=FileKind.SIGNED).exists()


def test_revoked_or_expired_certificate_cannot_sign(
    client: Client, leader: User, signing_setup: tuple[Document, Certificate]
) -> None:
    document, certificate = signing_setup
    ca.certificate_revoke(actor=leader, certificate=certificate, reason="Mất thiết bị")
    client.force_login(leader)
    response = client.post(
        f"/documents/{document.pk}/sign/", {"certificate": certificate.pk, "pin": TEST_PIN}
    )
    # A revoked certificate is no longer offered: the form refuses the choice.
    assert response.status_code == 400
    with pytest.raises(DomainError):
        signing.document_sign(
            actor=leader, document=document, certificate=certificate, pin=TEST_PIN
        )
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.ACTIVE, not_after=timezone.now() - dt.timedelta(days=1)
    )
    certificate.refresh_from_db()
    with pytest.raises(DomainError):
        signing.document_sign(
            actor=leader, document=document, certificate=certificate, pin=TEST_PIN
        )
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN
    assert not DocumentFile.objects.filter(document=document, kind=FileKind.SIGNED).exists()


def test_only_the_designated_signer_signs(
    client: Client,
    province: Unit,
    official: User,
    signing_setup: tuple[Document, Certificate],
    leader_cert: Callable[..., Certificate],  # noqa: F811
) -> None:
    document, _certificate = signing_setup
    deputy = member(province, Role.LEADER, "Trần Văn Bình", "Phó Trưởng ban")
    deputy_cert = leader_cert(deputy)
    client.force_login(deputy)
    assert client.get(f"/documents/{document.pk}/sign/").status_code == 404
    response = client.post(
        f"/documents/{document.pk}/sign/", {"certificate": deputy_cert.pk, "pin": TEST_PIN}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDeniedError):
        signing.document_sign(
            actor=deputy, document=document, certificate=deputy_cert, pin=TEST_PIN
        )
    client.force_login(official)
    assert client.get(f"/documents/{document.pk}/sign/").status_code == 404
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN


def test_a_document_without_a_valid_leader_signature_is_not_sealed(
    client: Client,
    province: Unit,
    other_province: Unit,
    leader: User,
    clerk: User,
    official: User,
    seal_cert: Callable[..., Certificate],  # noqa: F811
    settings: Any,
) -> None:
    settings.SIGNING_LEVEL = "B-B"
    document = to_sign(
        province=province, official=official, leader=leader, clerk=clerk, main=decree30_pdf(leader)
    )
    # No seal certificate: the message says where the unit's administrator issues one.
    document_sign_upload(actor=leader, document=document, signed=upload("Bản giấy đã ký"))
    document_number(actor=clerk, document=document)
    client.force_login(clerk)
    response = client.post(f"/documents/{document.pk}/do/issue/", {}, follow=True)
    assert "/signing/" in response.content.decode()
    document.refresh_from_db()
    assert document.status == Status.TO_ISSUE
    # With a seal, but the "signed" file carries no digital signature: refused, clearly.
    seal_cert(province)
    with translation.override("en"), pytest.raises(DomainError, match="no digital signature"):
        document_issue(actor=clerk, document=document)
    document.refresh_from_db()
    assert document.status == Status.TO_ISSUE
    # Another unit's registry cannot seal or issue it (it cannot even read it).
    other_clerk = member(other_province, Role.CLERK, "Hoàng Thị Thu", "Văn thư")
    client.force_login(other_clerk)
    assert client.post(f"/documents/{document.pk}/do/issue/", {}).status_code == 404
    with pytest.raises(PermissionDeniedError):
        document_issue(actor=other_clerk, document=document)


def test_batch_of_three_with_one_failing(
    client: Client,
    province: Unit,
    leader: User,
    clerk: User,
    official: User,
    signing_setup: tuple[Document, Certificate],
) -> None:
    first, certificate = signing_setup
    second = to_sign(
        province=province,
        official=official,
        leader=leader,
        clerk=clerk,
        main=decree30_pdf(leader, "Về việc tổ chức Hội nghị báo cáo viên tháng 3 năm 2026"),
        subject="Về việc tổ chức Hội nghị báo cáo viên tháng 3 năm 2026",
    )
    # A draft whose main file is a Word document cannot be signed as a PDF.
    broken = to_sign(
        province=province,
        official=official,
        leader=leader,
        clerk=clerk,
        main=b"PK\x03\x04" + b"\x00" * 200,
        subject="Báo cáo sơ kết công tác tuyên giáo 6 tháng đầu năm 2026",
    )
    client.force_login(leader)
    page = client.get("/documents/sign/batch/")
    assert page.status_code == 200
    for document in (first, second, broken):
        assert f'value="{document.pk}"'.encode() in page.content
    ids = [first.pk, broken.pk, second.pk]
    # The page first creates the job (the PIN stays in the browser's form)...
    response = client.post(
        "/documents/sign/batch/",
        {"documents": ids, "certificate": certificate.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    job = SigningJob.objects.get(user=leader)
    assert job.total == 3 and job.state == SigningJob.State.RUNNING
    assert f"/documents/sign/jobs/{job.pk}/run/".encode() in response.content
    poll = client.get(f"/documents/sign/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert b"every 1s" in poll.content
    # ...then posts the PIN, once, for all three.
    response = client.post(
        f"/documents/sign/jobs/{job.pk}/run/",
        {"certificate": certificate.pk, "pin": TEST_PIN},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    job.refresh_from_db()
    assert (job.state, job.done, job.failed) == (SigningJob.State.DONE, 2, 1)
    states = {item["id"]: item["state"] for item in job.items}
    assert states == {first.pk: "signed", broken.pk: "failed", second.pk: "signed"}
    # The reason is kept as the signer read it (the page is in Vietnamese).
    assert "không phải là tệp PDF" in next(i["error"] for i in job.items if i["id"] == broken.pk)
    for document, status in ((first, Status.TO_ISSUE), (second, Status.TO_ISSUE),
                             (broken, Status.TO_SIGN)):  # fmt: skip
        document.refresh_from_db()
        assert document.status == status
    # Finished: the poll stops and shows the results; someone else sees nothing of the job.
    poll = client.get(f"/documents/sign/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert b"every 1s" not in poll.content
    assert "không phải là tệp PDF" in poll.content.decode()
    assert client.get(f"/documents/sign/jobs/{job.pk}/").status_code == 200
    client.force_login(clerk)
    assert client.get(f"/documents/sign/jobs/{job.pk}/").status_code == 404


def test_batch_with_a_wrong_pin_signs_nothing(
    client: Client, leader: User, signing_setup: tuple[Document, Certificate]
) -> None:
    document, certificate = signing_setup
    client.force_login(leader)
    # Without JavaScript the one form carries everything and shows the results page.
    response = client.post(
        "/documents/sign/batch/",
        {"documents": [document.pk], "certificate": certificate.pk, "pin": "000000"},
    )
    job = SigningJob.objects.get(user=leader)
    assert response.status_code == 302
    assert response["Location"] == f"/documents/sign/jobs/{job.pk}/"
    assert (job.state, job.done, job.failed) == (SigningJob.State.FAILED, 0, 1)
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN
    # A job runs once.
    with pytest.raises(DomainError):
        signing.document_sign_batch(
            actor=leader, documents=[document], certificate=certificate, pin=TEST_PIN, job=job
        )


def test_token_signature_through_a_signing_request(
    client: Client, leader: User, signing_setup: tuple[Document, Certificate]
) -> None:
    """The key stays on the token: the server prepares, the agent signs, the handler moves on."""
    document, certificate = signing_setup
    key = keys.key_decrypt(certificate.key_pem, pin=TEST_PIN)
    # The same certificate, as a token the server holds no key of.
    Certificate.objects.filter(pk=certificate.pk).update(
        source=Certificate.Source.REMOTE, key_pem="", pin_protected=False, provider="agent"
    )
    client.force_login(leader)
    response = client.post(f"/documents/{document.pk}/sign/start/", {"certificate": certificate.pk})
    assert response.status_code == 302
    sig_request = SignatureRequest.objects.get(requested_by=leader)
    assert response["Location"] == f"/signing/requests/{sig_request.pk}/"
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN
    value = key.sign(requests.data_to_sign(sig_request), padding.PKCS1v15(), hashes.SHA256())
    requests.signature_request_complete(request=sig_request, signature_value=value)
    document.refresh_from_db()
    assert document.status == Status.TO_ISSUE
    signed = read(current(document, FileKind.SIGNED))
    assert len(PdfFileReader(io.BytesIO(signed)).embedded_signatures) == 1


def test_api_sign_refuses_a_wrong_pin_then_signs(
    client: Client, leader: User, official: User, signing_setup: tuple[Document, Certificate]
) -> None:
    document, certificate = signing_setup
    url = f"/api/v1/documents/{document.pk}/sign"
    client.force_login(leader)
    response = client.post(
        url, {"certificate": certificate.pk, "pin": "999999"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN
    client.force_login(official)  # not the signer, and not their certificate
    response = client.post(
        url, {"certificate": certificate.pk, "pin": TEST_PIN}, content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(leader)
    response = client.post(
        url, {"certificate": certificate.pk, "pin": TEST_PIN}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "signed"
    document.refresh_from_db()
    assert document.status == Status.TO_ISSUE


@pytest.mark.django_db(transaction=True)
def test_batch_progress_is_served_while_the_signing_request_runs(
    province: Unit,
    leader: User,
    clerk: User,
    official: User,
    leader_cert: Callable[..., Certificate],  # noqa: F811
    settings: Any,
) -> None:
    """The page polls the job while the request with the PIN signs: each document is
    committed on its own, so the poll sees the bar move before the run has finished."""
    import threading
    import time

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("concurrent requests need a server database (run with DATABASE_URL)")
    settings.SIGNING_LEVEL = "B-B"
    certificate = leader_cert(leader)
    documents = [
        to_sign(
            province=province,
            official=official,
            leader=leader,
            clerk=clerk,
            main=decree30_pdf(leader, f"Về việc tổ chức hội nghị số {n}"),
            subject=f"Về việc tổ chức hội nghị số {n}",
        )
        for n in range(4)
    ]
    browser = Client()
    browser.force_login(leader)
    browser.post(
        "/documents/sign/batch/",
        {"documents": [d.pk for d in documents], "certificate": certificate.pk},
        HTTP_HX_REQUEST="true",
    )
    job = SigningJob.objects.get(user=leader)
    results: list[int] = []

    def run() -> None:
        runner = Client()
        runner.force_login(leader)
        response = runner.post(
            f"/documents/sign/jobs/{job.pk}/run/",
            {"certificate": certificate.pk, "pin": TEST_PIN},
            HTTP_HX_REQUEST="true",
        )
        results.append(response.status_code)
        connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    seen: set[str] = set()
    while thread.is_alive():
        poll = browser.get(f"/documents/sign/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
        assert poll.status_code == 200
        seen.add(poll.content.decode().split('value="', 1)[1].split('"', 1)[0])
        time.sleep(0.05)
    thread.join()
    assert results == [200]
    job.refresh_from_db()
    assert (job.state, job.done) == (SigningJob.State.DONE, 4)
    assert seen & {"1", "2", "3"}, seen  # the bar moved while the request was running
