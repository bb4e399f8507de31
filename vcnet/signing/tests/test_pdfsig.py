"""VCNET's signatures checked by an independent verifier, poppler's `pdfsig`, as well as pyHanko.

pdfsig checks each signature's integrity over its byte range ("Signature is Valid."). It has
no trust store of ours unless given an NSS database (`-nssdir`), which needs NSS's `certutil`
to build; so the certificate line is read but only integrity is required here (pyHanko checks
trust). A change after signing must be reported by both: a flipped byte inside the signed
range breaks the digest, and an incremental update that changes a page leaves the signature
covering only part of the file ("Not total document signed") and pyHanko's difference analysis
flags it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import validation
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields

from vcnet.accounts.models import Unit, User
from vcnet.signing import ca, keys, pades, signers
from vcnet.signing.models import Certificate
from vcnet.signing.tests.conftest import TEST_PIN
from vcnet.signing.tests.test_pades import make_pdf

PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"
pytestmark = pytest.mark.skipif(
    not Path(PDFSIG).exists(),
    reason="poppler's pdfsig is not installed (Debian package poppler-utils)",
)


def pdfsig(data: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """Run pdfsig on `data`; one dict per signature of its "- Key: value" lines (plus flags)."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        [PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    signatures: list[dict[str, str]] = []
    for line in result.stdout.splitlines():
        if line.startswith("Signature #"):
            signatures.append({})
        elif line.startswith("  - ") and signatures:
            key, sep, value = line[4:].partition(": ")
            signatures[-1][key.strip()] = value.strip() if sep else "yes"
    if not signatures:
        pytest.fail(f"pdfsig found no signature: {result.stdout} {result.stderr}")
    return signatures


def regular(signatures: list[dict[str, str]]) -> list[dict[str, str]]:
    """The signatures proper: pdfsig cannot verify document timestamps (B-LTA), it lists
    them with type "unknown" and "Signature has not yet been verified."."""
    return [s for s in signatures if not s.get("Signature Field Name", "").startswith("Timestamp")]


def assert_valid(signatures: list[dict[str, str]], count: int) -> None:
    signatures = regular(signatures)
    assert len(signatures) == count
    for sig in signatures:
        assert sig["Signature Validation"] == "Signature is Valid.", sig
        assert sig["Signature Type"] == "ETSI.CAdES.detached"
        assert sig["Signing Hash Algorithm"] == "SHA-256"
        assert "Certificate Validation" in sig


def pyhanko_statuses(data: bytes) -> list[validation.PdfSignatureStatus]:
    """pyHanko's verdict with VCNET's trust (the platform root, its CRLs)."""
    reader = PdfFileReader(io.BytesIO(data))
    return [
        validation.validate_pdf_signature(s, ca.validation_context())
        for s in reader.embedded_regular_signatures
    ]


@pytest.fixture
def certificates(
    leader: User, province: Unit, leader_cert: Any, seal_cert: Any
) -> tuple[Certificate, Certificate]:
    """The leader's platform certificate (PIN) and the province's seal, from the platform CA."""
    return leader_cert(leader), seal_cert(province)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return make_pdf()


def leader_then_seal(
    data: bytes, certificates: tuple[Certificate, Certificate], level: str | None = None
) -> bytes:
    """What the workflow does: the leader certifies, then the clerk applies the seal.

    No timestamper or validation context is passed: pades takes the platform's own
    (`ca.timestamper()`, `ca.validation_context()`), as in production.
    """
    personal, seal = certificates
    with signers.signer_open(personal, pin=TEST_PIN) as signer:
        signed = pades.pdf_sign(
            data, signer=signer, level=level, certify=True, reason="Ký ban hành"
        )
    with signers.signer_open(seal) as signer:
        return pades.pdf_sign(signed, signer=signer, level=level, reason="Đóng dấu")


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT"])
def test_one_signature_is_valid_for_pdfsig(
    pdf: bytes, certificates: tuple[Certificate, Certificate], level: str, tmp_path: Path
) -> None:
    with signers.signer_open(certificates[0], pin=TEST_PIN) as signer:
        signed = pades.pdf_sign(pdf, signer=signer, level=level)
    found = pdfsig(signed, tmp_path)
    assert_valid(found, 1)
    assert found[0]["Signer Certificate Common Name"] == "Nguyễn Văn An"
    # B-LT adds the validation data (DSS) in a later revision, which pdfsig notes.
    assert ("Total document signed" in found[0]) == (level != "B-LT")
    (status,) = pyhanko_statuses(signed)
    assert status.bottom_line and status.trusted


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT", "B-LTA"])
def test_leader_and_seal_both_valid_for_pdfsig(
    pdf: bytes, certificates: tuple[Certificate, Certificate], level: str, tmp_path: Path
) -> None:
    signed = leader_then_seal(pdf, certificates, level)
    found = regular(pdfsig(signed, tmp_path))
    assert_valid(found, 2)
    assert [s["Signature Field Name"] for s in found] == ["Signature1", "Signature2"]
    statuses = pyhanko_statuses(signed)
    assert len(statuses) == 2
    assert all(s.bottom_line and s.trusted and s.docmdp_ok for s in statuses)


def test_default_level_fifty_pages_valid_for_pdfsig(
    certificates: tuple[Certificate, Certificate], tmp_path: Path
) -> None:
    """settings.SIGNING_LEVEL (B-LT by default) on a 50-page document."""
    signed = leader_then_seal(make_pdf(50), certificates)
    assert_valid(pdfsig(signed, tmp_path), 2)
    assert all(s.bottom_line for s in pyhanko_statuses(signed))


def test_deferred_signature_is_valid_for_pdfsig(
    pdf: bytes, certificates: tuple[Certificate, Certificate], tmp_path: Path
) -> None:
    personal = certificates[0]
    options: dict[str, Any] = {
        "certificate_pem": personal.certificate_pem,
        "chain_pem": personal.chain_pem,
        "level": "B-LT",
    }
    prepared = pades.pdf_sign_prepare(pdf, certify=True, **options)
    # The key stays with the "token" (this test), never with pades.
    key = keys.key_decrypt(personal.key_pem, pin=TEST_PIN)
    value = key.sign(prepared.data_to_sign, padding.PKCS1v15(), hashes.SHA256())
    signed = pades.pdf_sign_finish(prepared, signature_value=value, **options)
    assert_valid(pdfsig(signed, tmp_path), 1)
    (status,) = pyhanko_statuses(signed)
    assert status.bottom_line and status.trusted


# --- changed after signing ----------------------------------------------------------------------


def test_flipped_byte_inside_signed_range_is_invalid_for_both(
    pdf: bytes, certificates: tuple[Certificate, Certificate], tmp_path: Path
) -> None:
    signed = bytearray(leader_then_seal(pdf, certificates, "B-B"))
    # A byte of the page's text (inside both signatures' first range): "Số" → "Sô"-like damage.
    at = bytes(signed).index(b"BT")  # the first text object of the page content
    signed[at + 2] ^= 0x20
    changed = bytes(signed)
    found = regular(pdfsig(changed, tmp_path))
    assert len(found) == 2
    for sig in found:
        assert sig["Signature Validation"] != "Signature is Valid.", sig
    statuses = pyhanko_statuses(changed)
    assert statuses and not any(s.intact for s in statuses)
    assert not any(s.bottom_line for s in statuses)


def _page_changed(data: bytes) -> bytes:
    """An incremental update (as another tool would write it) that draws over page 1."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {generic.pdf_name("/FX"): writer.add_object(font)}
            )
        }
    )
    stream = generic.StreamObject(stream_data=b"BT /FX 24 Tf 72 400 Td (SO 99-CV/GIA MAO) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream), resources=resources)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_page_changed_after_signing_is_reported_by_both(
    pdf: bytes, certificates: tuple[Certificate, Certificate], tmp_path: Path
) -> None:
    signed = leader_then_seal(pdf, certificates, "B-B")
    changed = _page_changed(signed)
    assert changed.startswith(signed)
    found = regular(pdfsig(changed, tmp_path))
    assert len(found) == 2
    # pdfsig: the signatures no longer cover the whole file.
    for sig in found:
        assert "Not total document signed" in sig, sig
        assert "Total document signed" not in sig
    # pyHanko: still intact over their ranges, but the later change is not an allowed one.
    statuses = pyhanko_statuses(changed)
    assert len(statuses) == 2
    for status in statuses:
        assert status.intact
        assert status.modification_level == ModificationLevel.OTHER
        assert not status.docmdp_ok
        assert not status.bottom_line


# --- visible signatures: what the recipient sees ----------------------------------------------


def test_visible_leader_and_seal_valid_for_pdfsig_and_drawn(
    certificates: tuple[Certificate, Certificate], tmp_path: Path
) -> None:
    """Decree 30 layout on the rendered page: the blue signature between the position line and
    the name, the red seal over its left third; both signatures valid for pdfsig and pyHanko."""
    from PIL import Image

    from vcnet.signing.appearance_demo import demo_seal_png, demo_signature_png
    from vcnet.signing.appearances import Appearance

    if not shutil.which("pdftoppm"):
        pytest.skip("poppler's pdftoppm is not installed (Debian package poppler-utils)")
    personal, seal_certificate = certificates
    seal = Appearance(kind="seal", image=demo_seal_png("Ban Tuyên giáo Tỉnh ủy"))
    signature = Appearance(
        kind="signature",
        image=demo_signature_png("Nguyễn Văn An"),
        signer_name="Nguyễn Văn An",
        position_line="TRƯỞNG BAN",
    )
    with signers.signer_open(personal, pin=TEST_PIN) as signer:
        leader = pades.pdf_sign(
            make_pdf(), signer=signer, appearance=signature, certify=True, reserve=(seal,)
        )
    with signers.signer_open(seal_certificate) as signer:
        sealed = pades.pdf_sign(leader, signer=signer, appearance=seal)
    found = regular(pdfsig(sealed, tmp_path))
    assert_valid(found, 2)
    assert [s["Signature Field Name"] for s in found] == ["Signature1", "Seal1"]
    assert all(s.bottom_line and s.docmdp_ok for s in pyhanko_statuses(sealed))

    dpi = 72  # one pixel per PDF point
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as opened:
        page = opened.convert("RGB")
    reader = PdfFileReader(io.BytesIO(sealed))
    boxes = {
        name: [float(v) for v in ref.get_object()["/Rect"]]
        for name, _value, ref in enumerate_sig_fields(reader)
    }

    def count(box: list[float], test: Any) -> int:
        x1, y1, x2, y2 = box
        height = page.height
        region = page.crop((int(x1), int(height - y2), int(x2), int(height - y1)))
        return sum(1 for pixel in region.get_flattened_data() if test(pixel))

    def blue(p: tuple[int, int, int]) -> bool:
        return p[2] > 120 and p[2] > p[0] + 50 and p[2] > p[1] + 30

    def red(p: tuple[int, int, int]) -> bool:
        return p[0] > 150 and p[0] > p[1] + 60 and p[0] > p[2] + 60

    sig_box, seal_box = boxes["Signature1"], boxes["Seal1"]
    right_of_seal = [seal_box[2], sig_box[1], sig_box[2], sig_box[3]]
    assert count(right_of_seal, blue) > 20, "the signature image is drawn in blue"
    assert count(seal_box, red) > 50, "the seal is drawn in red"
