"""Validation of signed PDFs with real signatures: pyHanko signs with the platform CA's
certificates (and a throwaway CA for an untrusted chain); `validation.pdf_validate` and the
stored reports are checked, and incoming documents get their report on arrival."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vcnet.accounts.models import Unit, User
from vcnet.documents.models import Document, DocumentFile, FileKind
from vcnet.documents.services.incoming import Upload
from vcnet.signing import ca, keys, validation
from vcnet.signing.models import Certificate, ValidationReport
from vcnet.signing.signers import certificates_from_pem
from vcnet.signing.tests.conftest import (  # noqa: F401 (fixtures)
    TEST_PIN,
    leader_cert,
    platform_ca,
    seal_cert,
)

pytestmark = pytest.mark.django_db


# --- PDFs and signers -----------------------------------------------------------------------
def make_pdf(*, with_field: bool = True) -> bytes:
    """A one-page decision with an empty "number" field (filled after the leader signs)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pageCompression=0)
    page.drawString(72, 760, "BAN TUYEN GIAO TINH UY NGHE AN")
    page.drawString(72, 720, "QUYET DINH ve viec tuyen truyen ky niem ngay thanh lap Dang")
    if with_field:
        page.acroForm.textfield(name="vcnet_number", x=72, y=680, width=200, height=20, value="")
    page.showPage()
    page.save()
    return buf.getvalue()


def _asn1_key(key: Any) -> asn1_keys.PrivateKeyInfo:
    if isinstance(key, asn1_keys.PrivateKeyInfo):
        return key
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def platform_signer(certificate: Certificate, pin: str | None = TEST_PIN) -> signers.SimpleSigner:
    """A pyHanko signer with the key the platform keeps for `certificate`."""
    key = keys.key_decrypt(certificate.key_pem, pin=pin)
    return signers.SimpleSigner(
        signing_cert=certificates_from_pem(certificate.certificate_pem)[0],
        signing_key=_asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs(
            certificates_from_pem(certificate.chain_pem or "")
        ),
    )


def sign(
    data: bytes,
    signer: signers.Signer,
    *,
    field: str = "Signature1",
    certify: bool = False,
    timestamper: Any = None,
    long_term: bool = False,
    lta: bool = False,
) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=long_term,
        validation_context=ca.validation_context() if long_term else None,
        use_pades_lta=lta,
    )
    return signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper).getvalue()


def fill_number(data: bytes, value: str = "15/QĐ-BTGTU") -> bytes:
    """The clerk writes the number into the form field (an incremental update)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/T") != "vcnet_number":
            continue
        field["/V"] = generic.TextStringObject(value)
        appearance = generic.StreamObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/XObject"),
                generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                generic.NameObject("/BBox"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (0, 0, 200, 20)]
                ),
            },
            stream_data=b"BT /Helv 10 Tf 2 5 Td (15) Tj ET",
        )
        field["/AP"] = generic.DictionaryObject(
            {generic.NameObject("/N"): writer.add_object(appearance)}
        )
        writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def change_page(data: bytes) -> bytes:
    """Someone replaces the page's content after signing (an incremental update)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (So 99 - da sua) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypt(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(data)))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_THROWAWAY: dict[str, Any] = {}


def throwaway_signer() -> tuple[signers.SimpleSigner, x509.Certificate]:
    """A signer whose certificate comes from a CA nobody trusts here (and its root)."""
    if not _THROWAWAY:
        now = dt.datetime.now(dt.UTC)

        def name(cn: str) -> x509.Name:
            return x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.COMMON_NAME, cn),
                ]
            )

        root_key = ec.generate_private_key(ec.SECP256R1())
        root = (
            x509.CertificateBuilder()
            .subject_name(name("CA Tự Phát"))
            .issuer_name(name("CA Tự Phát"))
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = (
            x509.CertificateBuilder()
            .subject_name(name("Hoàng Văn Giả"))
            .issuer_name(root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )
        _THROWAWAY.update(root=root, leaf=leaf, key=key)

    def der(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    signer = signers.SimpleSigner(
        signing_cert=der(_THROWAWAY["leaf"]),
        signing_key=_asn1_key(_THROWAWAY["key"]),
        cert_registry=SimpleCertificateStore.from_certs([der(_THROWAWAY["root"])]),
    )
    return signer, _THROWAWAY["root"]


@pytest.fixture
def leader_and_seal(
    leader: User,
    province: Unit,
    leader_cert: Callable[..., Certificate],  # noqa: F811
    seal_cert: Callable[..., Certificate],  # noqa: F811
) -> tuple[Certificate, Certificate]:
    return leader_cert(leader), seal_cert(province)


def signed_and_sealed(certs: tuple[Certificate, Certificate], **kwargs: Any) -> bytes:
    """The outgoing workflow in miniature: the leader certifies (form filling allowed), the
    clerk writes the number into the field, the seal signs."""
    personal, seal = certs
    data = sign(make_pdf(), platform_signer(personal), certify=True, **kwargs)
    data = fill_number(data)
    return sign(data, platform_signer(seal, pin=None), field="Seal", **kwargs)


# --- pdf_validate -----------------------------------------------------------------------------
def test_leader_signature_and_seal_are_valid(
    leader_and_seal: tuple[Certificate, Certificate],
) -> None:
    report = validation.pdf_validate(signed_and_sealed(leader_and_seal))
    assert report["verdict"] == "valid"
    assert (report["signature_count"], report["valid_count"]) == (2, 2)
    assert report["summary"] == "2 valid signatures"
    leader_sig, seal_sig = report["signatures"]
    assert leader_sig["signer"] == "Nguyễn Văn An"
    assert leader_sig["certification"] == 2  # form filling and signing allowed
    assert leader_sig["modifications"]["level"] == "form_filling"
    assert leader_sig["coverage"] == "entire_revision"
    assert seal_sig["modifications"]["level"] == "none"
    assert seal_sig["coverage"] == "entire_file"
    for sig in (leader_sig, seal_sig):
        assert (sig["intact"], sig["valid"], sig["trusted"]) == (True, True, True)
        assert sig["revocation"] == "good"
        assert sig["reasons"] == []
        assert sig["level"] == "B-B"
        assert sig["chain"][0]["fingerprint"]
        assert sig["chain"][-1]["trusted_root"] is True
        assert sig["chain"][-1]["subject"].endswith("VCNET Test Root CA") or (
            "VCNET Test Root CA" in sig["chain"][-1]["subject"]
        )
        assert sig["signed_at"]
    shown = validation.report_present(report)
    assert shown["signatures"][0]["modifications"]["description"] == (
        "Only form filling and further signatures after signing."
    )


def test_timestamped_and_long_term_levels(
    leader_and_seal: tuple[Certificate, Certificate],
) -> None:
    personal, _seal = leader_and_seal
    stamper = ca.platform_timestamper()
    b_t = sign(make_pdf(), platform_signer(personal), timestamper=stamper)
    report = validation.pdf_validate(b_t)
    sig = report["signatures"][0]
    assert report["verdict"] == "valid"
    assert sig["level"] == "B-T"
    assert sig["timestamp"]["trusted"] is True
    assert sig["timestamp"]["time"]

    b_lta = sign(
        make_pdf(), platform_signer(personal), timestamper=stamper, long_term=True, lta=True
    )
    report = validation.pdf_validate(b_lta)
    assert report["verdict"] == "valid", report
    assert report["signatures"][0]["level"] == "B-LTA"
    assert report["signatures"][0]["modifications"]["level"] == "lta_updates"
    assert [t["verdict"] for t in report["document_timestamps"]] == ["valid"]


def test_untrusted_root_is_a_warning() -> None:
    signer, _root = throwaway_signer()
    report = validation.pdf_validate(sign(make_pdf(), signer))
    assert report["verdict"] == "warning"
    sig = report["signatures"][0]
    assert (sig["intact"], sig["valid"], sig["trusted"]) == (True, True, False)
    assert sig["reasons"] == ["untrusted"]
    assert sig["verdict"] == "warning"
    assert [c["common_name"] for c in sig["chain"]] == ["Hoàng Văn Giả", "CA Tự Phát"]
    assert not sig["chain"][-1].get("trusted_root")
    assert sig["revocation"] == "unknown"


def test_a_root_the_administrator_adds_is_trusted(admin: User) -> None:
    signer, root = throwaway_signer()
    data = sign(make_pdf(), signer)
    ca.trusted_root_add(
        actor=admin,
        certificate_pem=root.public_bytes(serialization.Encoding.PEM).decode(),
        name="CA Tự Phát",
    )
    sig = validation.pdf_validate(data)["signatures"][0]
    assert sig["trusted"] is True
    # Trusted, but no revocation data for that CA is at hand offline: still to be checked.
    assert sig["revocation"] == "unknown"
    assert sig["reasons"] == ["revocation_unknown"]
    assert sig["verdict"] == "warning"


def test_revoked_certificate_is_invalid(
    leader: User, leader_and_seal: tuple[Certificate, Certificate]
) -> None:
    personal, _seal = leader_and_seal
    data = sign(make_pdf(), platform_signer(personal))
    before = validation.report_store(data=data, actor=leader, file_name="quyet-dinh.pdf")
    assert before.verdict == "valid"
    ca.certificate_revoke(actor=leader, certificate=personal, reason="Mất thiết bị ký số")
    after = validation.report_store(data=data, actor=leader, file_name="quyet-dinh.pdf")
    assert after.verdict == "invalid"  # not the stored report of a moment ago
    sig = after.report["signatures"][0]
    assert sig["revocation"] == "revoked"
    assert "revoked" in sig["reasons"]
    assert sig["trusted"] is False


def test_changed_after_signing_is_invalid(
    leader_and_seal: tuple[Certificate, Certificate],
) -> None:
    personal, _seal = leader_and_seal
    for certify in (True, False):
        data = change_page(sign(make_pdf(), platform_signer(personal), certify=certify))
        report = validation.pdf_validate(data)
        assert report["verdict"] == "invalid"
        sig = report["signatures"][0]
        assert sig["intact"] is True  # the signed bytes are untouched...
        assert sig["modifications"]["level"] == "other"  # ...but the page was replaced
        assert "modified" in sig["reasons"]
        assert validation.report_present(report)["signatures"][0]["reason_texts"] == [
            "The content was changed after signing."
        ]


def test_form_filling_after_certification_is_allowed(
    leader_and_seal: tuple[Certificate, Certificate],
) -> None:
    personal, _seal = leader_and_seal
    data = fill_number(sign(make_pdf(), platform_signer(personal), certify=True))
    report = validation.pdf_validate(data)
    assert report["verdict"] == "valid"
    sig = report["signatures"][0]
    assert sig["modifications"] == {"level": "form_filling", "docmdp_ok": True, "detail": ""}


def test_damaged_signature_bytes_are_invalid(
    leader_and_seal: tuple[Certificate, Certificate],
) -> None:
    personal, _seal = leader_and_seal
    data = bytearray(sign(make_pdf(with_field=False), platform_signer(personal)))
    marker = data.index(b"QUYET DINH")
    data[marker : marker + 5] = b"XXXXX"  # inside the signed byte range
    report = validation.pdf_validate(bytes(data))
    assert report["verdict"] in ("invalid", "error")
    if report["verdict"] == "invalid":
        assert report["signatures"][0]["intact"] is False


def test_unsigned_pdf() -> None:
    report = validation.pdf_validate(make_pdf())
    assert (report["verdict"], report["signature_count"]) == ("unsigned", 0)
    assert report["summary"] == "The file has no digital signature."


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda pdf: b"", "empty"),
        (lambda pdf: b"\x00\x01garbage bytes, not a PDF at all" * 10, "not_pdf"),
        (encrypt, "encrypted"),
        (lambda pdf: pdf[: len(pdf) // 2], "truncated"),
        (lambda pdf: b"%PDF-1.7\n" + b"\xff" * 300 + b"\n%%EOF\n", "malformed"),
    ],
)
def test_bad_files_give_an_error_verdict_not_an_exception(
    leader_and_seal: tuple[Certificate, Certificate], make: Callable[[bytes], bytes], code: str
) -> None:
    pdf = signed_and_sealed(leader_and_seal)
    report = validation.pdf_validate(make(pdf))
    assert (report["verdict"], report["error"]) == ("error", code)
    assert report["summary"] == str(validation.ERRORS[code])


# --- Stored reports ---------------------------------------------------------------------------
def _receive(clerk: User, unit: Unit, data: bytes) -> Document:
    from vcnet.documents.services.incoming import document_receive
    from vcnet.documents.tests.factories import incoming_fields

    return document_receive(
        actor=clerk,
        unit=unit,
        fields=incoming_fields(),
        main=Upload(stream=io.BytesIO(data), name="quyet-dinh-da-ky.pdf"),
    )


def test_a_received_signed_pdf_is_validated_on_arrival(
    clerk: User,
    province: Unit,
    leader_and_seal: tuple[Certificate, Certificate],
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = signed_and_sealed(leader_and_seal)
    with django_capture_on_commit_callbacks(execute=True):
        document = _receive(clerk, province, data)
    stored = DocumentFile.objects.get(document=document, kind=FileKind.MAIN)
    report = ValidationReport.objects.get(document_file=stored)
    assert (report.verdict, report.signature_count, report.valid_count) == ("valid", 2, 2)
    assert report.sha256 == stored.sha256
    assert validation.report_for_file(stored).pk == report.pk  # kept, not recomputed


def test_report_for_file_computes_when_missing_and_reuses_the_same_bytes(
    clerk: User, province: Unit, leader_and_seal: tuple[Certificate, Certificate]
) -> None:
    data = signed_and_sealed(leader_and_seal)
    first = _receive(clerk, province, data)  # no commit in this test: nothing validated yet
    second = _receive(clerk, province, data)
    files = [DocumentFile.objects.get(document=d, kind=FileKind.MAIN) for d in (first, second)]
    assert not ValidationReport.objects.filter(document_file__in=files).exists()
    one = validation.report_for_file(files[0])
    two = validation.report_for_file(files[1])
    assert one.pk != two.pk
    assert one.report["context_key"] == two.report["context_key"]
    assert [s["serial"] for s in one.report["signatures"]] == [
        s["serial"] for s in two.report["signatures"]
    ]
    again = validation.report_for_file(files[0], refresh=True)
    assert again.pk == one.pk  # one report per file version, replaced
    assert ValidationReport.objects.filter(document_file=files[0]).count() == 1


def test_internal_delivery_validates_the_recipients_copy(
    province: Unit,
    other_province: Unit,
    official: User,
    leader: User,
    clerk: User,
    leader_and_seal: tuple[Certificate, Certificate],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from vcnet.documents.services.outgoing import (
        RecipientSpec,
        document_issue,
        document_number,
        document_sign_upload,
        draft_create,
        draft_submit,
    )
    from vcnet.documents.tests.factories import upload
    from vcnet.documents.tests.outgoing_flow import approve_all, fields

    personal, _seal = leader_and_seal
    document = draft_create(
        actor=official,
        unit=province,
        fields=fields(recipients=[RecipientSpec(other_province.pk)]),
        main=upload("Dự thảo kế hoạch tuyên truyền"),
    )
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    document = approve_all(document)
    from vcnet.signing.appearances import number_fields_prepare

    prepared = number_fields_prepare(make_pdf(with_field=False))
    signed = sign(prepared, platform_signer(personal), certify=True)
    with django_capture_on_commit_callbacks(execute=True):
        document_sign_upload(
            actor=leader,
            document=document,
            signed=Upload(stream=io.BytesIO(signed), name="ke-hoach-da-ky.pdf"),
        )
        document.refresh_from_db()
        document_number(actor=clerk, document=document)
        document.refresh_from_db()
        document = document_issue(actor=clerk, document=document)
    copy = Document.objects.get(origin=document)
    main = DocumentFile.objects.get(document=copy, kind=FileKind.MAIN)
    report = ValidationReport.objects.get(document_file=main)
    assert report.verdict == "valid"
    assert report.signature_count >= 1
    assert report.valid_count == report.signature_count
