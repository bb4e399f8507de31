"""The platform CA: issuing, revocation, CRL, OCSP, timestamps, validation context."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asn1crypto import core, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.test import Client
from django.utils import translation
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.errors import RevokedError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import PermissionDeniedError
from vcnet.signing import ca, keys
from vcnet.signing.authority import cert_to_asn1, key_to_asn1
from vcnet.signing.errors import CertificateUnusable, SigningError
from vcnet.signing.models import Authority, Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages are compared in English (the msgids)."""
    with translation.override("en"):
        yield


def _x509(certificate: Certificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(certificate.certificate_pem.encode())


def test_authority_init_is_idempotent_and_builds_the_hierarchy(platform_ca: Authority) -> None:
    assert ca.authority_init() == platform_ca
    assert Authority.objects.count() == 4
    root = ca.authority_current("root")
    root_cert = x509.load_pem_x509_certificate(root.certificate_pem.encode())
    issuing_cert = x509.load_pem_x509_certificate(platform_ca.certificate_pem.encode())
    assert root_cert.public_key().key_size >= 3072  # type: ignore[union-attr]
    assert issuing_cert.issuer == root_cert.subject
    assert (root_cert.not_valid_after_utc - root_cert.not_valid_before_utc).days >= 365 * 20
    tsa = x509.load_pem_x509_certificate(ca.authority_current("tsa").certificate_pem.encode())
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    responder = x509.load_pem_x509_certificate(
        ca.authority_current("ocsp").certificate_pem.encode()
    )
    responder.extensions.get_extension_for_class(x509.OCSPNoCheck)
    assert "BEGIN PRIVATE KEY" not in root.key_pem


def test_authority_current_without_ca_says_to_run_init(db: None) -> None:
    with pytest.raises(SigningError, match="init-ca"):
        ca.authority_current("issuing")


def test_personal_certificate_subject_usage_and_urls(
    leader: User, province: Unit, leader_cert: Callable[..., Certificate]
) -> None:
    certificate = leader_cert(leader)
    cert = _x509(certificate)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Văn An"
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0]
    assert cn._type == x509.name._ASN1Type.UTF8String
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == province.name
    assert cert.public_key().key_size == 2048  # type: ignore[union-attr]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name[0].value.endswith("/signing/ca/crl")
    aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert any(d.access_location.value.endswith("/signing/ca/ocsp") for d in aia)
    assert certificate.state == "active" and certificate.pin_protected
    assert "BEGIN PRIVATE KEY" not in certificate.key_pem
    assert list(ca.certificates_for_signing(leader)) == [certificate]
    ca.certificate_usable(certificate)
    key = keys.key_decrypt(certificate.key_pem, pin="123456")
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()


def test_seal_certificate_names_the_unit(
    province: Unit, seal_cert: Callable[..., Certificate]
) -> None:
    certificate = seal_cert(province)
    cert = _x509(certificate)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == province.name
    assert ca.seal_certificate(province) == certificate
    assert not certificate.pin_protected
    keys.key_decrypt(certificate.key_pem)


def test_revocation_is_in_the_crl_with_a_new_number(
    leader: User, leader_cert: Callable[..., Certificate], admin: User
) -> None:
    certificate = leader_cert(leader)
    before = x509.load_der_x509_crl(ca.crl_der())
    assert before.get_revoked_certificate_by_serial_number(int(certificate.serial, 16)) is None
    ca.certificate_revoke(actor=admin, certificate=certificate, reason="key_compromise")
    after = x509.load_der_x509_crl(ca.crl_der())
    entry = after.get_revoked_certificate_by_serial_number(int(certificate.serial, 16))
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason == x509.ReasonFlags.key_compromise
    number = lambda crl: crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number  # noqa: E731
    assert number(after) > number(before)
    issuing = x509.load_pem_x509_certificate(
        ca.authority_current("issuing").certificate_pem.encode()
    )
    assert after.is_signature_valid(issuing.public_key())  # type: ignore[arg-type]
    certificate.refresh_from_db()
    assert certificate.state == "revoked"
    with pytest.raises(CertificateUnusable, match="revoked"):
        ca.certificate_usable(certificate)
    assert list(ca.certificates_for_signing(leader)) == []


def _ocsp_request(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()  # noqa: S303
    return request.public_bytes(serialization.Encoding.DER)


def test_ocsp_good_then_revoked_over_http(
    client: Client, leader: User, leader_cert: Callable[..., Certificate], admin: User
) -> None:
    certificate = leader_cert(leader)
    issuing = x509.load_pem_x509_certificate(
        ca.authority_current("issuing").certificate_pem.encode()
    )
    body = _ocsp_request(_x509(certificate), issuing)

    def ask() -> ocsp.OCSPResponse:
        response = client.post("/signing/ca/ocsp", body, content_type="application/ocsp-request")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ocsp-response"
        return ocsp.load_der_ocsp_response(response.content)

    good = ask()
    assert good.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    responder = good.certificates[0]
    responder.public_key().verify(  # type: ignore[call-arg,union-attr]
        good.signature,
        good.tbs_response_bytes,
        PKCS1v15(),
        good.signature_hash_algorithm,
    )
    ca.certificate_revoke(actor=leader, certificate=certificate, reason="Mất thiết bị")
    revoked = ask()
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_time_utc is not None


def test_ocsp_unknown_unauthorized_and_malformed(client: Client, platform_ca: Authority) -> None:
    issuing = x509.load_pem_x509_certificate(platform_ca.certificate_pem.encode())
    stranger_key = keys.key_generate()
    stranger = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Người lạ")]))
        .issuer_name(issuing.subject)
        .public_key(stranger_key.public_key())
        .serial_number(12345)
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        .sign(stranger_key, hashes.SHA256())
    )
    unknown = ocsp.load_der_ocsp_response(ca.ocsp_response(_ocsp_request(stranger, issuing)))
    assert unknown.certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    other_issuer = ocsp.load_der_ocsp_response(ca.ocsp_response(_ocsp_request(stranger, stranger)))
    assert other_issuer.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED
    response = client.post("/signing/ca/ocsp", b"rubbish", content_type="application/ocsp-request")
    parsed = ocsp.load_der_ocsp_response(response.content)
    assert parsed.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_public_ca_endpoints(client: Client, platform_ca: Authority) -> None:
    root = client.get("/signing/ca/root.crt")
    assert root.status_code == 200
    assert (
        x509.load_der_x509_certificate(root.content)
        .subject.rfc4514_string()
        .startswith("CN=VCNET Test Root CA")
    )
    assert client.get("/signing/ca/issuing.crt").status_code == 200
    crl = client.get("/signing/ca/crl")
    assert crl["Content-Type"] == "application/pkix-crl"
    x509.load_der_x509_crl(crl.content)
    x509.load_der_x509_crl(client.get("/signing/ca/root.crl").content)
    assert client.get("/signing/ca/tsa").status_code == 405


def test_tsa_endpoint_answers_rfc3161(client: Client, platform_ca: Authority) -> None:
    import hashlib

    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(b"van ban").digest(),
            },
            "nonce": 42,
            "cert_req": True,
        }
    )
    response = client.post(
        "/signing/ca/tsa", request.dump(), content_type="application/timestamp-query"
    )
    assert response["Content-Type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    info = reply["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["nonce"].native == 42
    bad = client.post(
        "/signing/ca/tsa", b"\x30\x03abc", content_type="application/timestamp-query"
    ).content
    # A rejection carries no token (asn1crypto's TimeStampResp wrongly requires one).
    status = tsp.PKIStatusInfo.load(core.Sequence.load(bad)[0].dump())
    assert status["status"].native == "rejection"
    assert "bad_data_format" in status["fail_info"].native


def _blank_pdf() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [
                    generic.NumberObject(0),
                    generic.NumberObject(0),
                    generic.NumberObject(595),
                    generic.NumberObject(842),
                ]
            ),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _sign(
    certificate: Certificate, pin: str, *, timestamper: Any = None, context: Any = None
) -> bytes:
    key = keys.key_decrypt(certificate.key_pem, pin=pin)
    signer = signers.SimpleSigner(
        signing_cert=cert_to_asn1(_x509(certificate)),
        signing_key=key_to_asn1(key),
        cert_registry=SimpleCertificateStore.from_certs(
            [
                cert_to_asn1(c)
                for c in x509.load_pem_x509_certificates(certificate.chain_pem.encode())
            ]
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        embed_validation_info=context is not None,
        validation_context=context,
        subfilter=SigSeedSubFilter.PADES,
    )
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(_blank_pdf())),
        meta,
        signer=signer,
        timestamper=timestamper,
    )
    return out.getvalue()


def test_platform_signature_with_timestamp_and_ltv_validates_offline(
    leader: User, leader_cert: Callable[..., Certificate]
) -> None:
    certificate = leader_cert(leader)
    signed = _sign(
        certificate,
        "123456",
        timestamper=ca.platform_timestamper(),
        context=ca.validation_context(),
    )
    reader = PdfFileReader(io.BytesIO(signed))
    sig = reader.embedded_signatures[0]
    status = validate_pdf_signature(sig, ca.validation_context(revocation_mode="hard-fail"))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert reader.root["/DSS"]["/CRLs"]


def test_validation_context_sees_revocation(
    leader: User, leader_cert: Callable[..., Certificate], admin: User
) -> None:
    certificate = leader_cert(leader)
    ca.certificate_revoke(actor=admin, certificate=certificate, reason="superseded")
    validator = CertificateValidator(
        cert_to_asn1(_x509(certificate)),
        validation_context=ca.validation_context(revocation_mode="hard-fail"),
    )
    with pytest.raises(RevokedError):
        asyncio.run(validator.async_validate_usage({"non_repudiation"}))


def test_http_timestamper_against_the_live_tsa(
    live_server: Any,
    settings: Any,
    leader: User,
    leader_cert: Callable[..., Certificate],
) -> None:
    """The local TSA over HTTP, as pyHanko's own HTTP client (and a B-T signature) uses it."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    url = live_server.url + "/signing/ca/tsa"
    token = asyncio.run(HTTPTimeStamper(url).async_timestamp(b"\x00" * 32, "sha256"))
    assert token["content_type"].native == "signed_data"

    settings.SIGNING_TSA_URL = url
    stamper = ca.timestamper()
    assert getattr(stamper, "url", None) == url
    signed = _sign(leader_cert(leader), "123456", timestamper=stamper)
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ca.validation_context())
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


def test_ocsp_by_get(client: Client, leader: User, leader_cert: Callable[..., Certificate]) -> None:
    import base64

    certificate = leader_cert(leader)
    issuing = x509.load_pem_x509_certificate(
        ca.authority_current("issuing").certificate_pem.encode()
    )
    encoded = base64.b64encode(_ocsp_request(_x509(certificate), issuing)).decode()
    response = client.get(f"/signing/ca/ocsp/{encoded}")
    parsed = ocsp.load_der_ocsp_response(response.content)
    assert parsed.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_only_staff_or_unit_admin_issue_seals(
    province: Unit, other_province: Unit, official: User, platform_ca: Authority
) -> None:
    from vcnet.accounts.models import Membership, Role

    Membership.objects.create(user=official, unit=other_province, role=Role.UNIT_ADMIN)
    with pytest.raises(PermissionDeniedError):
        ca.certificate_issue_seal(actor=official, unit=province)
    seal = ca.certificate_issue_seal(actor=official, unit=other_province)
    assert seal.unit == other_province


def test_nobody_revokes_another_persons_certificate(
    leader: User, official: User, leader_cert: Callable[..., Certificate]
) -> None:
    certificate = leader_cert(leader)
    with pytest.raises(PermissionDeniedError):
        ca.certificate_revoke(actor=official, certificate=certificate, reason="x")


def test_expired_certificate_is_unusable(leader: User, platform_ca: Authority) -> None:
    from vcnet.signing.authority import authority_cert, authority_key, certificate_build, name_build

    key = keys.key_generate()
    cert = certificate_build(
        subject=name_build(common_name="Nguyễn Văn An"),
        public_key=key.public_key(),
        issuer_cert=authority_cert(platform_ca),
        issuer_key=authority_key(platform_ca),
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
        key_usage={"digital_signature": True, "content_commitment": True},
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    certificate = Certificate.objects.create(
        purpose="personal",
        source="platform",
        owner=leader,
        subject="CN=x",
        common_name="x",
        issuer="x",
        serial=format(cert.serial_number, "x"),
        fingerprint="f" * 64,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_pem=pem,
    )
    assert certificate.state == "expired"
    with pytest.raises(CertificateUnusable, match="expired"):
        ca.certificate_usable(certificate)
    with pytest.raises(CertificateUnusable, match="expired"):
        ca.certificate_register_external(
            actor=leader, certificate_pem=pem, source="remote", provider="agent"
        )
