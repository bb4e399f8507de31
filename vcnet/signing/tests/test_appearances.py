"""Visible signatures (Decree 30 Appendix I): placement, fonts, the text stamp, the number and
date written in after the signer's certification, and the signature-image rules.

Signatures are made with pyHanko and the appearance's `field_spec` / `stamp_style` (what
`pades.pdf_sign` does), with a throwaway key; results are checked with pyHanko, poppler's
`pdfsig`, `pdftotext` and rendered pages (`pdftoppm`).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fontTools.ttLib import TTFont
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory
from vcnet.core.errors import PermissionDeniedError
from vcnet.documents.demo_data import document_pdf
from vcnet.signing import appearances, fonts
from vcnet.signing.appearances import MM, Appearance
from vcnet.signing.errors import BadPdf, SigningError
from vcnet.signing.models import SignatureImage

POPPLER = shutil.which("pdfsig") and shutil.which("pdftoppm") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")

SIGNER = "Nguyễn Văn An"
POSITION = "T/M BAN THƯỜNG VỤ\nPHÓ TRƯỞNG BAN"
UNIT_NAME = "Ban Tuyên giáo Tỉnh ủy Nghệ An"


# --- Helpers ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def test_signer() -> tuple[signers.SimpleSigner, asn1_x509.Certificate]:
    """A throwaway self-signed EC key and certificate with the signing key usages."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn1_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_cert,
        signing_key=asn1_key,
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert]),
    )
    return signer, asn1_cert


def sign(
    data: bytes,
    signer: signers.Signer,
    appearance: Appearance,
    *,
    field_name: str,
    certify: bool = False,
) -> bytes:
    """What `pades.pdf_sign` does with an appearance: pyHanko with our field and style."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=appearances.stamp_style(appearance),
        new_field_spec=appearances.field_spec(data, appearance, name=field_name),
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=out)
    return out.getvalue()


def official_letter(code: str = "      -CV/BTGTU") -> bytes:
    """A one-page outgoing letter in the Decree 30 / Guideline 36 layout, not yet numbered."""
    return document_pdf(
        issuer="Ban Tuyên giáo Tỉnh ủy",
        issuer_parent="TỈNH ỦY NGHỆ AN",
        code=code,
        place="Nghệ An",
        day=dt.date(2026, 11, 28),
        type_name="Công văn",
        subject="Về việc tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng",
        signer_position="Phó Trưởng ban",
        signer_name=SIGNER,
    )


def blank_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def png(img: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", **params)
    return out.getvalue()


def jpeg(img: Image.Image) -> bytes:
    """A JPEG (that a person might have renamed to .png)."""
    out = io.BytesIO()
    img.save(out, format="JPEG")
    return out.getvalue()


def stroke_image(colour: tuple[int, int, int], size: tuple[int, int] = (400, 150)) -> bytes:
    """A transparent PNG with a thick stroke of `colour` across it."""
    from PIL import ImageDraw

    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.line([(20, size[1] // 2), (size[0] - 20, size[1] // 3)], fill=(*colour, 255), width=12)
    return png(img)


def text_lines_of(data: bytes, tmp_path: Path, *, page: int = 1) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def render(data: bytes, tmp_path: Path, name: str) -> Image.Image:
    """Page 1 rendered by poppler at 100 dpi."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "100",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(tmp_path / name),
        ],
        check=True,
    )
    with Image.open(tmp_path / f"{name}.png") as img:
        return img.convert("RGB")


def crop(
    img: Image.Image, box: tuple[float, float, float, float], page_height: float
) -> Image.Image:
    """The part of a 100-dpi page image under a PDF box (points, origin bottom left)."""
    scale = 100 / 72
    x1, y1, x2, y2 = box
    return img.crop(
        (
            round(x1 * scale),
            round((page_height - y2) * scale),
            round(x2 * scale),
            round((page_height - y1) * scale),
        )
    )


def share(img: Image.Image, test: Callable[[tuple[int, int, int]], bool]) -> float:
    raw = img.convert("RGB").tobytes()
    pixels = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]
    return sum(1 for p in pixels if test(p)) / max(1, len(pixels))


def is_blue(p: tuple[int, int, int]) -> bool:
    return p[2] > 120 and p[2] - p[0] > 60


def is_red(p: tuple[int, int, int]) -> bool:
    return p[0] > 150 and p[0] - p[1] > 80 and p[0] - p[2] > 60


def is_dark(p: tuple[int, int, int]) -> bool:
    return sum(p) < 300


# --- Fonts -----------------------------------------------------------------------------------


def test_font_is_rescaled_to_1000_units_and_keeps_vietnamese() -> None:
    styles: tuple[fonts.Style, ...] = ("regular", "bold", "italic")
    for style in styles:
        font = TTFont(io.BytesIO(fonts.font_bytes(style)))
        assert font["head"].unitsPerEm == 1000
        cmap = font.getBestCmap()
        for char in "Số ngày tháng năm ĐẢNG CỘNG SẢN VIỆT NAM Tỉnh ủy ƯỚỞỠỢ ỳýỷỹỵ":
            assert ord(char) in cmap, char
        # Subset: Latin + Vietnamese only, much smaller than the shipped file.
        assert len(fonts.font_bytes(style)) < fonts.font_path(style).stat().st_size / 2
    # Times New Roman metrics: "Ban" at 10 pt is about 17 pt wide.
    assert 15 < fonts.text_width("Ban", size=10) < 19


# --- The text stamp --------------------------------------------------------------------------


def test_text_stamp_lines_write_iso_8601_with_the_vietnam_offset() -> None:
    signed_at = dt.datetime(2026, 11, 28, 2, 5, 9, 123456, tzinfo=dt.UTC)
    lines = appearances.text_stamp_lines(
        parent_code="Số 15-CV/BTGTU",
        copy_type=None,
        organisation=UNIT_NAME,
        signed_at=signed_at,
    )
    assert lines == ("Số 15-CV/BTGTU", UNIT_NAME, "2026-11-28T09:05:09+07:00")
    copy = appearances.text_stamp_lines(
        parent_code=None, copy_type="sao y", organisation=UNIT_NAME, signed_at=signed_at
    )
    assert copy[0] == "SAO Y"
    with pytest.raises(ValueError, match="timezone"):
        appearances.text_stamp_lines(
            parent_code="1",
            copy_type=None,
            organisation="x",
            signed_at=dt.datetime(2026, 1, 1),  # noqa: DTZ001
        )


@needs_poppler
def test_text_stamp_top_right_of_page_one_is_extractable_with_diacritics(
    test_signer: tuple[signers.SimpleSigner, asn1_x509.Certificate], tmp_path: Path
) -> None:
    signer, _cert = test_signer
    signed_at = dt.datetime(2026, 11, 28, 9, 30, tzinfo=appearances.VIETNAM)
    appearance = appearances.text_appearance(
        parent_code="Số 15-CV/BTGTU", organisation=UNIT_NAME, signed_at=signed_at
    )
    data = official_letter("15-CV/BTGTU")
    page, box = appearances.signature_place(data, kind="text", text_lines=appearance.text_lines)
    assert page == 0
    # Top right: its right edge 15 mm from the page's, its top within the top margin.
    assert box[2] == pytest.approx(595.28 - 15 * MM, abs=1)
    assert 841.89 - box[3] < 12 * MM
    signed = sign(data, signer, appearance, field_name="Attachment1")

    text = text_lines_of(signed, tmp_path)
    # The letters are spaced normally (no "B a n"), Vietnamese diacritics intact.
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in text
    assert "Số 15-CV/BTGTU" in text
    assert "2026-11-28T09:30:00+07:00" in text
    # Black 10 pt text inside the box, nothing blue or red, no border.
    image = render(signed, tmp_path, "text")
    stamp = crop(image, box, 841.89)
    assert share(stamp, is_dark) > 0.02
    assert share(stamp, is_blue) == 0
    assert share(stamp, is_red) == 0


# --- Placement -------------------------------------------------------------------------------


def test_signature_goes_between_the_position_line_and_the_name() -> None:
    data = official_letter()
    page, (x1, y1, x2, y2) = appearances.signature_place(
        data, kind="signature", signer_name=SIGNER, position_line=POSITION
    )
    assert page == 0
    # The demo layout: position lines at y-0 and y-16 (bold 12 pt), the name at y-75, centred
    # on x = 410.
    assert (x1 + x2) / 2 == pytest.approx(410, abs=3)
    lines = appearances.page_lines(data, 0)
    name = next(line for line in lines if line.text == SIGNER)
    position = next(line for line in lines if line.text == "PHÓ TRƯỞNG BAN")
    assert name.y1 <= y1 < y2 <= position.y0
    assert (y1 + y2) / 2 == pytest.approx((name.y1 + position.y0) / 2, abs=1)


def test_signature_falls_back_to_the_bottom_right_of_the_last_page() -> None:
    page, (x1, y1, x2, _y2) = appearances.signature_place(
        blank_pdf(), kind="signature", signer_name=SIGNER
    )
    assert page == 0
    assert x2 == pytest.approx(595.28 - 25 * MM, abs=1)
    assert y1 == pytest.approx(30 * MM, abs=1)
    assert x2 - x1 == pytest.approx(50 * MM, abs=1)


def test_seal_is_true_size_over_the_left_third_of_the_signature() -> None:
    data = official_letter()
    anchor = (300.0, 300.0, 450.0, 350.0)
    page, (x1, y1, x2, y2) = appearances.signature_place(
        data, kind="seal", seal_over=anchor, width_mm=36, height_mm=36
    )
    assert page == 0
    assert x2 - x1 == pytest.approx(36 * MM, abs=0.1)
    assert y2 - y1 == pytest.approx(36 * MM, abs=0.1)
    assert x2 == pytest.approx(300 + 150 / 3, abs=0.1)
    assert (y1 + y2) / 2 == pytest.approx(325, abs=0.1)


def test_bad_pdfs_are_refused_clearly() -> None:
    with pytest.raises(BadPdf):
        appearances.signature_place(b"not a pdf", kind="signature")
    with pytest.raises(BadPdf):
        appearances.number_fields_prepare(official_letter()[:300])


# --- The Decree 30 flow: signer certifies, clerk numbers, seal -------------------------------


@pytest.fixture
def prepared() -> bytes:
    return appearances.number_fields_prepare(
        official_letter(), reserve_seal=True, signer_name=SIGNER, position_line=POSITION
    )


@needs_poppler
def test_number_and_date_filled_after_certification_keep_it_valid(
    test_signer: tuple[signers.SimpleSigner, asn1_x509.Certificate],
    prepared: bytes,
    tmp_path: Path,
) -> None:
    signer, cert = test_signer
    signature = Appearance(
        kind="signature",
        image=appearances.demo_signature_png(SIGNER),
        signer_name=SIGNER,
        position_line=POSITION,
    )
    leader = sign(prepared, signer, signature, field_name="Signature1", certify=True)
    numbered = appearances.number_fields_fill(
        leader, number_text="Số 15-CV/BTGTU", date_text="Nghệ An, ngày 28 tháng 11 năm 2026"
    )
    assert numbered.startswith(leader)  # an incremental update
    seal_field = appearances.reserved_field(numbered, "seal")
    assert seal_field == appearances.SEAL_FIELD
    seal = Appearance(
        kind="seal",
        image=appearances.demo_seal_png(UNIT_NAME),
        image_width_mm=36,
        image_height_mm=36,
    )
    sealed = sign(numbered, signer, seal, field_name=seal_field)
    assert sealed.startswith(numbered)

    reader = PdfFileReader(io.BytesIO(sealed))
    context = ValidationContext(trust_roots=[cert])
    first, second = reader.embedded_signatures
    status = validate_pdf_signature(first, context)
    assert status.intact and status.valid
    assert status.docmdp_ok
    assert status.modification_level is not None
    assert status.modification_level <= ModificationLevel.FORM_FILLING
    assert validate_pdf_signature(second, context).intact

    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, check=False)
    report = pdfsig.stdout.decode()
    assert report.count("Signature Validation: Signature is Valid.") == 2, report

    # On the rendered page: the number and date cover the placeholders, the signature is
    # blue between the position and the name, the seal red over its left third.
    before = render(leader, tmp_path, "before")
    after = render(sealed, tmp_path, "after")
    boxes = _field_boxes(sealed)
    number_box = boxes[appearances.NUMBER_FIELD]
    assert crop(before, number_box, 841.89).tobytes() != crop(after, number_box, 841.89).tobytes()
    assert share(crop(after, number_box, 841.89), is_dark) > 0.03
    signature_box = boxes["Signature1"]
    assert share(crop(after, signature_box, 841.89), is_blue) > 0.02
    seal_box = boxes[appearances.SEAL_FIELD]
    assert share(crop(after, seal_box, 841.89), is_red) > 0.05
    assert seal_box[2] == pytest.approx(
        signature_box[0] + (signature_box[2] - signature_box[0]) / 3, abs=1
    )
    # Transparent images: the seal keeps its alpha channel as a soft mask.
    assert b"/SMask" in sealed
    # The filled values are what a reader extracts from the fields.
    assert _field_values(sealed)[appearances.NUMBER_FIELD] == "Số 15-CV/BTGTU"


def _field_boxes(data: bytes) -> dict[str, tuple[float, float, float, float]]:
    reader = PdfFileReader(io.BytesIO(data))
    boxes = {}
    for ref in reader.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        boxes[str(field["/T"])] = (x1, y1, x2, y2)
    return boxes


def _field_values(data: bytes) -> dict[str, str]:
    reader = PdfFileReader(io.BytesIO(data))
    return {
        str(ref.get_object()["/T"]): str(ref.get_object().get("/V", ""))
        for ref in reader.root["/AcroForm"]["/Fields"]
    }


def test_number_fields_sit_on_the_number_and_date_lines(prepared: bytes) -> None:
    boxes = _field_boxes(prepared)
    lines = appearances.page_lines(official_letter(), 0)
    number_line = next(line for line in lines if line.text.startswith("Số"))
    date_line = next(line for line in lines if "ngày" in line.text and "tháng" in line.text)
    for name, line in (
        (appearances.NUMBER_FIELD, number_line),
        (appearances.DATE_FIELD, date_line),
    ):
        x1, y1, x2, y2 = boxes[name]
        assert x1 <= line.x0 and x2 >= line.x1, name
        assert y1 <= line.y0 and y2 >= line.y1, name
    # Number on the left, date on the right, not overlapping.
    assert boxes[appearances.NUMBER_FIELD][2] < boxes[appearances.DATE_FIELD][0]
    # Empty until filled: nothing drawn, so the draft's placeholder still shows.
    assert _field_values(prepared)[appearances.NUMBER_FIELD] == ""
    # Preparing twice changes nothing.
    assert appearances.number_fields_prepare(prepared) == prepared


def test_number_fields_fall_back_to_the_decree_30_layout() -> None:
    boxes = _field_boxes(appearances.number_fields_prepare(blank_pdf()))
    number, date = boxes[appearances.NUMBER_FIELD], boxes[appearances.DATE_FIELD]
    assert number[2] < 595.28 / 2 < date[0]
    assert number[1] > 841.89 * 0.7 and date[1] > 841.89 * 0.7


def test_filling_twice_or_without_fields_is_refused(prepared: bytes) -> None:
    filled = appearances.number_fields_fill(prepared, number_text="Số 1", date_text="ngày")
    with pytest.raises(SigningError, match="already"):
        appearances.number_fields_fill(filled, number_text="Số 2", date_text="ngày")
    with pytest.raises(SigningError, match="not prepared"):
        appearances.number_fields_fill(official_letter(), number_text="Số 2", date_text="ngày")


# --- Signature images ------------------------------------------------------------------------


def test_demo_images_pass_their_own_checks() -> None:
    signature = appearances.image_validate(appearances.demo_signature_png(SIGNER), kind="signature")
    assert signature.blue_share > 0.9
    assert 35 < signature.width_mm < 51  # trimmed from 600 px at 300 dpi
    seal = appearances.image_validate(appearances.demo_seal_png(UNIT_NAME), kind="seal")
    assert seal.red_share > 0.9
    assert seal.width_mm == pytest.approx(36, abs=0.2)
    assert seal.height_mm == pytest.approx(36, abs=0.2)
    # Deterministic: the same name draws the same signature.
    assert appearances.demo_signature_png(SIGNER) == appearances.demo_signature_png(SIGNER)


@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        (
            lambda: jpeg(Image.new("RGB", (300, 300), (20, 40, 200))),
            "signature",
            "not a PNG",
        ),
        (lambda: png(Image.new("RGB", (300, 150), (255, 255, 255))), "signature", "transparent"),
        (
            lambda: png(Image.new("RGBA", (300, 150), (20, 40, 200, 255))),
            "signature",
            "transparent",
        ),
        (lambda: stroke_image((220, 20, 30)), "signature", "blue"),
        (lambda: stroke_image((20, 40, 200)), "seal", "red"),
        (lambda: stroke_image((20, 40, 200), size=(2100, 300)), "signature", "2000"),
        (lambda: stroke_image((20, 40, 200), size=(300, 60)), "signature", "100 pixels"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "signature", "damaged"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024), "signature", "2 MB"),
    ],
    ids=[
        "jpeg-named-png",
        "no-alpha",
        "opaque-alpha",
        "red-signature",
        "blue-seal",
        "huge",
        "tiny",
        "damaged",
        "too-many-bytes",
    ],
)
def test_bad_images_are_refused_with_a_clear_message(make, kind, message) -> None:  # type: ignore[no-untyped-def]
    data = make()
    with pytest.raises(appearances.ImageRejected, match=message):
        appearances.image_validate(data, kind=kind)


def test_printed_size_from_dpi_or_default() -> None:
    img = Image.open(io.BytesIO(stroke_image((220, 20, 30), size=(600, 600))))
    at_400 = png(img, dpi=(400, 400))
    assert appearances.image_validate(at_400, kind="seal").width_mm == pytest.approx(38.1, abs=0.1)
    no_dpi = png(img)
    assert appearances.image_validate(no_dpi, kind="seal").width_mm == 36.0
    # An implausible resolution (a 212 mm seal at 72 dpi) falls back to the default.
    assert appearances.image_validate(png(img, dpi=(72, 72)), kind="seal").width_mm == 36.0
    assert appearances.image_validate(no_dpi, kind="seal", width_mm=40).width_mm == 40.0
    with pytest.raises(appearances.ImageRejected, match="between"):
        appearances.image_validate(no_dpi, kind="seal", width_mm=200)


# --- Uploads ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_uploads_their_signature_and_the_old_one_retires(leader: User) -> None:
    first = appearances.signature_image_upload(
        actor=leader, data=appearances.demo_signature_png(SIGNER), kind="signature"
    )
    second = appearances.signature_image_upload(
        actor=leader, data=appearances.demo_signature_png("Nguyễn Văn Ân"), kind="signature"
    )
    first.refresh_from_db()
    assert not first.current and second.current
    assert appearances.signature_image_current(owner=leader, kind="signature") == second
    assert 35 < float(second.width_mm) < 51
    shown = appearances.signature_appearance(user=leader, position_line=POSITION)
    assert shown is not None and shown.kind == "signature" and shown.signer_name == SIGNER
    assert appearances.image_validate(shown.image or b"", kind="signature")


@pytest.mark.django_db
def test_only_the_person_uploads_their_signature(leader: User, clerk: User) -> None:
    with pytest.raises(PermissionDeniedError):
        appearances.signature_image_upload(
            actor=clerk, owner=leader, data=appearances.demo_signature_png(SIGNER), kind="signature"
        )


@pytest.mark.django_db
def test_seal_upload_is_for_the_units_admin_or_clerk(
    clerk: User, official: User, province: Unit, other_province: Unit
) -> None:
    seal_png = appearances.demo_seal_png(UNIT_NAME)
    seal = appearances.signature_image_upload(
        actor=clerk, data=seal_png, kind="seal", unit=province
    )
    assert seal.unit == province and seal.owner is None
    assert appearances.signature_image_current(unit=province, kind="seal") == seal
    shown = appearances.seal_appearance(unit=province)
    assert shown is not None and shown.image_width_mm == 36.0

    other_admin = cast("User", MembershipFactory(unit=other_province, role=Role.UNIT_ADMIN).user)
    with pytest.raises(PermissionDeniedError, match="unit administrator or a clerk"):
        appearances.signature_image_upload(
            actor=other_admin, data=seal_png, kind="seal", unit=province
        )
    with pytest.raises(PermissionDeniedError):
        appearances.signature_image_upload(
            actor=official, data=seal_png, kind="seal", unit=province
        )
    assert SignatureImage.objects.filter(unit=province).count() == 1


@pytest.mark.django_db
def test_a_refused_image_leaves_nothing_behind(leader: User) -> None:
    with pytest.raises(appearances.ImageRejected):
        appearances.signature_image_upload(
            actor=leader, data=stroke_image((220, 20, 30)), kind="signature"
        )
    assert not SignatureImage.objects.exists()


def test_without_the_reserved_field_a_visible_seal_breaks_the_certification(
    test_signer: tuple[signers.SimpleSigner, asn1_x509.Certificate],
) -> None:
    """Why `reserve_seal`: pyHanko (stricter than Acrobat) rates a new visible signature field
    after a certification as a forbidden change."""
    signer, cert = test_signer
    data = appearances.number_fields_prepare(official_letter())
    assert appearances.reserved_field(data, "seal") is None
    leader = sign(
        data,
        signer,
        Appearance(
            kind="signature",
            image=appearances.demo_signature_png(SIGNER),
            signer_name=SIGNER,
            position_line=POSITION,
        ),
        field_name="Signature1",
        certify=True,
    )
    seal = Appearance(kind="seal", image=appearances.demo_seal_png(UNIT_NAME))
    sealed = sign(leader, signer, seal, field_name="Seal1")
    first = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(first, ValidationContext(trust_roots=[cert]))
    assert status.intact
    assert not status.docmdp_ok


def test_the_date_line_keeps_its_printed_place() -> None:
    """The filled date covers the whole printed line, so the place is read from it when the
    document's record has none."""
    date_line = next(
        line.text
        for line in appearances.page_lines(official_letter(), 0)
        if "ngày" in line.text and "tháng" in line.text
    )
    place = appearances.date_line_place(official_letter())
    assert place and date_line.startswith(place)
    assert "," not in place and "ngày" not in place
    assert appearances.date_line_place(blank_pdf()) == ""
