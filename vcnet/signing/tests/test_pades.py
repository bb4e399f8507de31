"""PAdES signing (vcnet.signing.pades): levels, several signatures, bad input, two-step signing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from typing import Any

import pikepdf
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps, validation
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from vcnet.signing import pades
from vcnet.signing.errors import BadPdf, SigningError

FONT = "vcnet/core/fonts/DejaVuSerif.ttf"


# --- a small PKI of our own (root, signer, seal, TSA), built once per session -------------------


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Tuyên giáo Tỉnh ủy"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    common_name: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None,
    *,
    ca: bool = False,
    tsa: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca and not tsa,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if issuer_key is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key or key, hashes.SHA256())


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclasses.dataclass
class Pki:
    root: x509.Certificate
    leader_key: rsa.RSAPrivateKey
    leader: x509.Certificate
    seal_key: rsa.RSAPrivateKey
    seal: x509.Certificate
    timestamper: timestamps.TimeStamper

    def validation_context(self) -> ValidationContext:
        return ValidationContext(
            trust_roots=[_asn1(self.root)], allow_fetching=False, revocation_mode="soft-fail"
        )

    def signer(self, who: str = "leader") -> pades.LoadedKeySigner:
        key, cert = (
            (self.leader_key, self.leader) if who == "leader" else (self.seal_key, self.seal)
        )
        return pades.LoadedKeySigner(key=key, certificate=_asn1(cert), chain=[_asn1(self.root)])


@pytest.fixture(scope="session")
def pki() -> Pki:
    def new_key() -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    root_key = new_key()
    root = _certificate("VCNET Test Root CA", root_key, ca=True)
    leader_key, seal_key, tsa_key = new_key(), new_key(), new_key()
    tsa = _certificate("VCNET Test TSA", tsa_key, root, root_key, tsa=True)
    tsa_key_info = asn1_keys.PrivateKeyInfo.load(
        tsa_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Pki(
        root=root,
        leader_key=leader_key,
        leader=_certificate("Nguyễn Văn An", leader_key, root, root_key),
        seal_key=seal_key,
        seal=_certificate("Ban Tuyên giáo Tỉnh ủy", seal_key, root, root_key),
        timestamper=timestamps.DummyTimeStamper(
            tsa_cert=_asn1(tsa),
            tsa_key=tsa_key_info,
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1(root)]),
        ),
    )


# --- documents ----------------------------------------------------------------------------------


def make_pdf(pages: int = 1) -> bytes:
    """A Vietnamese outgoing document of `pages` pages, drawn with reportlab."""
    if "DejaVuSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSerif", FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in range(1, pages + 1):
        page.setFont("DejaVuSerif", 13)
        page.drawString(72, 780, "BAN TUYÊN GIÁO TỈNH ỦY")
        page.drawString(72, 760, "Số: 15-CV/BTGTU")
        page.drawString(300, 760, "Hà Nội, ngày 28 tháng 11 năm 2026")
        page.drawString(72, 720, f"V/v tổ chức kỷ niệm 80 năm Cách mạng Tháng Tám — trang {number}")
        page.drawString(360, 200, "TRƯỞNG BAN")
        page.drawString(360, 120, "Nguyễn Văn An")
        page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return make_pdf()


def signatures_status(data: bytes, pki: Pki) -> list[Any]:
    reader = PdfFileReader(io.BytesIO(data))
    return [
        validation.validate_pdf_signature(sig, pki.validation_context())
        for sig in reader.embedded_regular_signatures
    ]


def sign_leader_then_seal(data: bytes, pki: Pki, level: str) -> bytes:
    """The leader certifies (form filling allowed), then the clerk applies the unit's seal."""
    leader = pades.pdf_sign(
        data,
        signer=pki.signer("leader"),
        level=level,
        certify=True,
        reason="Ký ban hành",
        location="Hà Nội",
        name="Nguyễn Văn An",
        timestamper=pki.timestamper,
        validation_context=pki.validation_context(),
    )
    return pades.pdf_sign(
        leader,
        signer=pki.signer("seal"),
        level=level,
        field_name="Seal1",
        reason="Đóng dấu",
        timestamper=pki.timestamper,
        validation_context=pki.validation_context(),
    )


# --- levels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT", "B-LTA"])
def test_levels_produce_valid_pades_signatures(pdf: bytes, pki: Pki, level: str) -> None:
    signed = pades.pdf_sign(
        pdf,
        signer=pki.signer(),
        level=level,
        reason="Ký duyệt",
        timestamper=pki.timestamper,
        validation_context=pki.validation_context(),
    )
    assert signed.startswith(pdf), "an incremental update keeps the original bytes"
    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_regular_signatures
    assert embedded.field_name == "Signature1"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "Ký duyệt"
    status = validation.validate_pdf_signature(embedded, pki.validation_context())
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert (status.timestamp_validity is not None) == (level != "B-B")
    assert ("/DSS" in reader.root) == (level in ("B-LT", "B-LTA"))
    assert (len(reader.embedded_timestamp_signatures) == 1) == (level == "B-LTA")


def test_long_term_signing_logs_no_fetching_notice(
    pdf: bytes, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    """VCNET hands pyHanko the revocation data itself; pyHanko's "fetching is not allowed"
    warning would otherwise print once per signature (eight times in the demo seed)."""
    with caplog.at_level(logging.WARNING):
        pades.pdf_sign(
            pdf,
            signer=pki.signer(),
            level="B-LT",
            timestamper=pki.timestamper,
            validation_context=pki.validation_context(),
        )
    assert not [r for r in caplog.records if "fetching is not allowed" in r.getMessage()]


def test_default_level_comes_from_settings(pdf: bytes, pki: Pki, settings: Any) -> None:
    settings.SIGNING_LEVEL = "B-B"
    signed = pades.pdf_sign(pdf, signer=pki.signer())
    (status,) = signatures_status(signed, pki)
    assert status.bottom_line and status.timestamp_validity is None


def test_unknown_level_is_refused(pdf: bytes, pki: Pki) -> None:
    with pytest.raises(SigningError, match="Unknown signature level"):
        pades.pdf_sign(pdf, signer=pki.signer(), level="B-X")


# --- several signatures -------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["B-B", "B-LT"])
def test_leader_certification_then_seal_both_valid(pdf: bytes, pki: Pki, level: str) -> None:
    signed = sign_leader_then_seal(pdf, pki, level)
    reader = PdfFileReader(io.BytesIO(signed))
    leader, seal = reader.embedded_regular_signatures
    assert (leader.field_name, seal.field_name) == ("Signature1", "Seal1")
    assert leader.docmdp_level == fields.MDPPerm.FILL_FORMS
    leader_status = validation.validate_pdf_signature(leader, pki.validation_context())
    seal_status = validation.validate_pdf_signature(seal, pki.validation_context())
    for status in (leader_status, seal_status):
        assert status.intact and status.valid and status.trusted and status.bottom_line
        assert status.docmdp_ok
    # The seal came after the certification: pyHanko classifies it as allowed form filling.
    assert leader_status.modification_level <= ModificationLevel.FORM_FILLING
    assert seal_status.modification_level <= ModificationLevel.LTA_UPDATES
    assert leader_status.signer_reported_dt is not None


def test_generated_field_names_are_unique(pdf: bytes, pki: Pki) -> None:
    once = pades.pdf_sign(pdf, signer=pki.signer(), level="B-B")
    twice = pades.pdf_sign(once, signer=pki.signer("seal"), level="B-B")
    names = [s.field_name for s in PdfFileReader(io.BytesIO(twice)).embedded_regular_signatures]
    assert names == ["Signature1", "Signature2"]


def test_signing_an_already_signed_field_is_refused(pdf: bytes, pki: Pki) -> None:
    once = pades.pdf_sign(pdf, signer=pki.signer(), level="B-B", field_name="Signature1")
    with pytest.raises(SigningError, match="already signed"):
        pades.pdf_sign(once, signer=pki.signer("seal"), level="B-B", field_name="Signature1")


def test_no_signature_after_no_changes_certification(pdf: bytes, pki: Pki) -> None:
    """A certification that allows no changes (made by another tool) refuses a second signature."""
    meta = signers.PdfSignatureMetadata(
        field_name="Other1",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    locked = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, pki.signer())
    with pytest.raises(SigningError) as caught:
        pades.pdf_sign(locked.getvalue(), signer=pki.signer("seal"), level="B-B")
    assert "certification" in caught.value.message


# --- bad input ----------------------------------------------------------------------------------


def _encrypted(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="chủ sở hữu", user=""))
    return out.getvalue()


def _malformed_xref(data: bytes) -> bytes:
    """Every object offset of the cross-reference table points 7 bytes too far."""
    start = data.rfind(b"\nxref")
    end = data.find(b"trailer", start)
    table = re.sub(
        rb"(\d{10}) 00000 n",
        lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7),
        data[start:end],
    )
    return data[:start] + table + data[end:]


def _bad_xref_keyword(data: bytes) -> bytes:
    start = data.rfind(b"\nxref")
    return data[:start] + b"\nxrfx" + data[start + 5 :]


BAD_INPUTS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "encrypted": (_encrypted, "encrypted"),
    "not a PDF": (lambda data: "Công văn số 15".encode() * 40, "not a PDF"),
    "empty": (lambda data: b"", "not a PDF"),
    "truncated": (lambda data: data[: len(data) // 2], "truncated"),
    "truncated in the middle": (
        lambda data: data[: len(data) // 3] + data[-200:],
        "damaged",
    ),
    "malformed xref": (_malformed_xref, "damaged"),
    "broken xref keyword": (_bad_xref_keyword, "damaged"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_pdf_is_refused_with_a_clear_message(pdf: bytes, pki: Pki, case: str) -> None:
    make, words = BAD_INPUTS[case]
    data = make(pdf)
    before = bytes(data)
    with pytest.raises(BadPdf) as caught:
        pades.pdf_sign(data, signer=pki.signer(), level="B-B")
    assert words in caught.value.message
    assert caught.value.code == "bad_pdf"
    assert data == before
    with pytest.raises(BadPdf):
        pades.pdf_sign_prepare(data, certificate_pem=_pem(pki.leader), level="B-B")


# --- performance: the loaded key is not parsed again -------------------------------------------


def test_loaded_key_signer_does_not_parse_the_key_per_signature(
    pdf: bytes, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    signer = pki.signer()
    calls: list[bytes] = []
    from pyhanko.sign.signers import pdf_cms

    original = pdf_cms.serialization.load_der_private_key

    def counting(data: bytes, *args: Any, **kwargs: Any) -> Any:
        calls.append(data)
        return original(data, *args, **kwargs)

    monkeypatch.setattr(pdf_cms.serialization, "load_der_private_key", counting)
    for _ in range(3):
        pades.pdf_sign(pdf, signer=signer, level="B-B")
    assert calls == []
    # pyHanko's own simple signer does parse it each time (what LoadedKeySigner avoids)
    simple = signers.SimpleSigner(
        signing_cert=signer.signing_cert,
        signing_key=signer.signing_key,
        cert_registry=signer.cert_registry,
    )
    pades.pdf_sign(pdf, signer=simple, level="B-B")
    assert len(calls) >= 1


# --- two-step (deferred) signing ----------------------------------------------------------------


def token_sign(pki: Pki, data_to_sign: bytes) -> bytes:
    """What the USB token does: RSA PKCS#1 v1.5 with SHA-256 over the signed attributes."""
    return pki.leader_key.sign(data_to_sign, padding.PKCS1v15(), hashes.SHA256())


def _through_the_database(prepared: pades.Prepared) -> pades.Prepared:
    """Store the Prepared as the SignatureRequest fields hold it, and read it back."""
    row = {
        "prepared": prepared.prepared_pdf,  # the FileField's content
        "document_digest": prepared.document_digest.hex(),
        "digest_algorithm": prepared.digest_algorithm,
        "reserved_start": prepared.reserved_start,
        "reserved_end": prepared.reserved_end,
        "signed_attrs": memoryview(prepared.signed_attrs),  # BinaryField reads back memoryview
    }
    assert len(row["document_digest"]) <= 128 and len(row["digest_algorithm"]) <= 16
    return pades.Prepared(
        prepared_pdf=bytes(row["prepared"]),
        document_digest=bytes.fromhex(row["document_digest"]),
        digest_algorithm=row["digest_algorithm"],
        reserved_start=int(row["reserved_start"]),
        reserved_end=int(row["reserved_end"]),
        signed_attrs=bytes(row["signed_attrs"]),
        data_to_sign=bytes(row["signed_attrs"]),
    )


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT", "B-LTA"])
def test_deferred_signing_with_a_key_held_by_the_token(pdf: bytes, pki: Pki, level: str) -> None:
    options = {
        "certificate_pem": _pem(pki.leader),
        "chain_pem": _pem(pki.root),
        "level": level,
        "timestamper": pki.timestamper,
        "validation_context": pki.validation_context(),
    }
    prepared = pades.pdf_sign_prepare(pdf, certify=True, reason="Ký bằng USB token", **options)
    assert prepared.data_to_sign == prepared.signed_attrs
    assert prepared.digest_algorithm == "sha256" and len(prepared.document_digest) == 32
    assert 0 < prepared.reserved_start < prepared.reserved_end <= len(prepared.prepared_pdf)
    stored = _through_the_database(prepared)
    signed = pades.pdf_sign_finish(
        stored,
        signature_value=token_sign(pki, stored.data_to_sign),
        **options,
    )
    assert signed.startswith(pdf)
    (status,) = signatures_status(signed, pki)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert (status.timestamp_validity is not None) == (level != "B-B")
    reader = PdfFileReader(io.BytesIO(signed))
    assert reader.embedded_regular_signatures[0].docmdp_level == fields.MDPPerm.FILL_FORMS
    assert ("/DSS" in reader.root) == (level in ("B-LT", "B-LTA"))


def test_deferred_then_seal_both_valid(pdf: bytes, pki: Pki) -> None:
    prepared = pades.pdf_sign_prepare(
        pdf, certificate_pem=_pem(pki.leader), chain_pem=_pem(pki.root), level="B-B", certify=True
    )
    leader = pades.pdf_sign_finish(
        prepared,
        certificate_pem=_pem(pki.leader),
        chain_pem=_pem(pki.root),
        signature_value=token_sign(pki, prepared.data_to_sign),
        level="B-B",
    )
    sealed = pades.pdf_sign(leader, signer=pki.signer("seal"), level="B-B")
    statuses = signatures_status(sealed, pki)
    assert len(statuses) == 2
    assert all(s.bottom_line and s.docmdp_ok for s in statuses)


def test_deferred_wrong_signature_value_is_refused(pdf: bytes, pki: Pki) -> None:
    prepared = pades.pdf_sign_prepare(pdf, certificate_pem=_pem(pki.leader), level="B-B")
    wrong_key = pki.seal_key.sign(prepared.data_to_sign, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(SigningError, match="does not match"):
        pades.pdf_sign_finish(
            prepared, certificate_pem=_pem(pki.leader), signature_value=wrong_key, level="B-B"
        )
    with pytest.raises(SigningError, match="does not match"):
        pades.pdf_sign_finish(
            prepared, certificate_pem=_pem(pki.leader), signature_value=b"\x00" * 256, level="B-B"
        )


def test_deferred_changed_prepared_document_is_refused(pdf: bytes, pki: Pki) -> None:
    prepared = pades.pdf_sign_prepare(pdf, certificate_pem=_pem(pki.leader), level="B-B")
    pdf_bytes = bytearray(prepared.prepared_pdf)
    pdf_bytes[100] ^= 0x01
    changed = dataclasses.replace(prepared, prepared_pdf=bytes(pdf_bytes))
    with pytest.raises(SigningError, match="changed"):
        pades.pdf_sign_finish(
            changed,
            certificate_pem=_pem(pki.leader),
            signature_value=token_sign(pki, prepared.data_to_sign),
            level="B-B",
        )


def test_deferred_bad_certificate_is_refused(pdf: bytes) -> None:
    with pytest.raises(SigningError, match="not a valid PEM certificate"):
        pades.pdf_sign_prepare(
            pdf, certificate_pem="-----BEGIN CERTIFICATE-----\nxx\n", level="B-B"
        )


def test_certifying_an_already_signed_document_is_refused(pdf: bytes, pki: Pki) -> None:
    once = pades.pdf_sign(pdf, signer=pki.signer(), level="B-B")
    with pytest.raises(SigningError, match="must be the first signature"):
        pades.pdf_sign(once, signer=pki.signer("seal"), level="B-B", certify=True)


# --- visible signatures (appearances.py places and draws them) ---------------------------------


def _leader_appearance() -> Any:
    from vcnet.signing.appearance_demo import demo_signature_png
    from vcnet.signing.appearances import Appearance

    return Appearance(
        kind="signature",
        image=demo_signature_png("Nguyễn Văn An"),
        signer_name="Nguyễn Văn An",
        position_line="TRƯỞNG BAN",
    )


def _seal_appearance() -> Any:
    from vcnet.signing.appearance_demo import demo_seal_png
    from vcnet.signing.appearances import Appearance

    return Appearance(kind="seal", image=demo_seal_png("Ban Tuyên giáo Tỉnh ủy"))


def sign_visible(data: bytes, pki: Pki, level: str = "B-B") -> tuple[bytes, bytes]:
    """Leader certifies visibly, reserving the seal's field; then the clerk seals."""
    seal = _seal_appearance()
    leader = pades.pdf_sign(
        data,
        signer=pki.signer("leader"),
        appearance=_leader_appearance(),
        level=level,
        certify=True,
        reserve=(seal,),
        timestamper=pki.timestamper,
        validation_context=pki.validation_context(),
    )
    sealed = pades.pdf_sign(
        leader,
        signer=pki.signer("seal"),
        appearance=seal,
        level=level,
        timestamper=pki.timestamper,
        validation_context=pki.validation_context(),
    )
    return leader, sealed


def _widget_box(data: bytes, name: str) -> tuple[float, ...]:
    reader = PdfFileReader(io.BytesIO(data))
    for field_name, _value, ref in fields.enumerate_sig_fields(reader):
        if field_name == name:
            return tuple(float(v) for v in ref.get_object()["/Rect"])
    raise AssertionError(name)


@pytest.mark.parametrize("level", ["B-B", "B-LT"])
def test_visible_leader_signature_then_visible_seal_both_valid(pki: Pki, level: str) -> None:
    data = make_pdf(2)
    _leader, sealed = sign_visible(data, pki, level)
    reader = PdfFileReader(io.BytesIO(sealed))
    names = [s.field_name for s in reader.embedded_regular_signatures]
    assert names == ["Signature1", "Seal1"]
    statuses = signatures_status(sealed, pki)
    for status in statuses:
        assert status.bottom_line and status.docmdp_ok
    # Filling the reserved field is form filling, which the certification allows.
    assert statuses[0].modification_level == ModificationLevel.FORM_FILLING
    # The seal overlaps the left third of the signature (Decree 30, Appendix I).
    sx1, sy1, sx2, sy2 = _widget_box(sealed, "Signature1")
    kx1, ky1, kx2, ky2 = _widget_box(sealed, "Seal1")
    assert kx1 < sx1 < kx2 <= sx1 + (sx2 - sx1) / 3 + 1
    assert ky1 < (sy1 + sy2) / 2 < ky2


def test_new_visible_field_after_certification_is_refused(pdf: bytes, pki: Pki) -> None:
    """Without a reserved field the visible seal would break the leader's certification."""
    leader = pades.pdf_sign(
        pdf, signer=pki.signer(), appearance=_leader_appearance(), level="B-B", certify=True
    )
    with pytest.raises(SigningError, match="no empty field was reserved"):
        pades.pdf_sign(
            leader, signer=pki.signer("seal"), appearance=_seal_appearance(), level="B-B"
        )
    # An invisible approval signature is still allowed.
    sealed = pades.pdf_sign(leader, signer=pki.signer("seal"), level="B-B")
    assert all(s.bottom_line for s in signatures_status(sealed, pki))


def test_seal_fills_the_field_reserved_by_number_fields_prepare(pki: Pki) -> None:
    from vcnet.signing import appearances

    prepared = appearances.number_fields_prepare(
        make_pdf(), reserve_seal=True, signer_name="Nguyễn Văn An", position_line="TRƯỞNG BAN"
    )
    leader = pades.pdf_sign(
        prepared, signer=pki.signer(), appearance=_leader_appearance(), level="B-B", certify=True
    )
    sealed = pades.pdf_sign(
        leader, signer=pki.signer("seal"), appearance=_seal_appearance(), level="B-B"
    )
    reader = PdfFileReader(io.BytesIO(sealed))
    assert [s.field_name for s in reader.embedded_regular_signatures] == [
        "Signature1",
        "vcnet_seal",
    ]
    assert all(s.bottom_line and s.docmdp_ok for s in signatures_status(sealed, pki))


def test_deferred_visible_signature_with_reserved_seal(pki: Pki) -> None:
    seal = _seal_appearance()
    prepared = pades.pdf_sign_prepare(
        make_pdf(),
        certificate_pem=_pem(pki.leader),
        chain_pem=_pem(pki.root),
        appearance=_leader_appearance(),
        reserve=(seal,),
        level="B-B",
        certify=True,
    )
    leader = pades.pdf_sign_finish(
        prepared,
        certificate_pem=_pem(pki.leader),
        chain_pem=_pem(pki.root),
        signature_value=token_sign(pki, prepared.data_to_sign),
        level="B-B",
    )
    sealed = pades.pdf_sign(leader, signer=pki.signer("seal"), appearance=seal, level="B-B")
    assert all(s.bottom_line and s.docmdp_ok for s in signatures_status(sealed, pki))


# --- with the platform CA (vcnet.signing.tests.conftest) ----------------------------------------


def test_platform_defaults_timestamp_and_validation_data(
    pdf: bytes, leader: Any, leader_cert: Any, settings: Any
) -> None:
    """No timestamper or context passed: pades takes ca.timestamper() and ca.validation_context()."""
    from vcnet.signing import ca, signers
    from vcnet.signing.tests.conftest import TEST_PIN

    settings.SIGNING_LEVEL = "B-LTA"
    with signers.signer_open(leader_cert(leader), pin=TEST_PIN) as signer:
        signed = pades.pdf_sign(pdf, signer=signer, certify=True)
    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_regular_signatures
    status = validation.validate_pdf_signature(embedded, ca.validation_context())
    assert status.bottom_line and status.trusted and status.timestamp_validity is not None
    assert "/DSS" in reader.root and len(reader.embedded_timestamp_signatures) == 1


def test_revoked_certificate_cannot_prepare_a_long_term_signature(
    pdf: bytes, leader: Any, leader_cert: Any
) -> None:
    """B-LT validates the signer first (platform CRL): a revoked token certificate is refused."""
    from vcnet.signing import ca

    certificate = leader_cert(leader)
    ca.certificate_revoke(actor=leader, certificate=certificate, reason="Mất USB token")
    with pytest.raises(SigningError, match="could not be validated"):
        pades.pdf_sign_prepare(
            pdf,
            certificate_pem=certificate.certificate_pem,
            chain_pem=certificate.chain_pem,
            level="B-LT",
        )


def test_unreachable_timestamping_service_gives_a_clear_error(pdf: bytes, pki: Pki) -> None:
    unreachable = timestamps.HTTPTimeStamper("http://127.0.0.1:9/tsa", timeout=2)
    with pytest.raises(SigningError, match="timestamping service did not answer"):
        pades.pdf_sign(pdf, signer=pki.signer(), level="B-T", timestamper=unreachable)


def test_new_named_visible_field_after_certification_is_refused(pdf: bytes, pki: Pki) -> None:
    leader = pades.pdf_sign(pdf, signer=pki.signer(), level="B-B", certify=True)
    with pytest.raises(SigningError, match="no empty field was reserved"):
        pades.pdf_sign(
            leader,
            signer=pki.signer("seal"),
            appearance=_seal_appearance(),
            field_name="DauCoQuan",
            level="B-B",
        )
