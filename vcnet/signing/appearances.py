"""Visible signatures as Decree 30/2020 Appendix I draws them.

- The signer's signature image (blue, transparent PNG) centred between the signer's position
  line and their name, found in the text of the last page (fallback: bottom right).
- The organisation's seal (red, at its true size) overlapping about the left third of the
  signer's signature.
- On attachments in separate files and on electronic copies: a text stamp at the top right of
  page 1, no image, Times New Roman (Liberation Serif) 10 pt black: the parent document's number
  and notation or the copy type, the organisation, the signing time in ISO 8601 (+07:00).

`field_spec` and `stamp_style` turn an `Appearance` into what pyHanko's signer takes
(`vcnet.signing.pades` calls them). Locating lives in `appearance_place`, the number/date
fields in `appearance_fields`, the uploaded images in `appearance_images`, the demo images in
`appearance_demo`; what callers need is re-exported here.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import SigFieldSpec, enumerate_sig_fields
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle

from vcnet.accounts.models import Unit, User
from vcnet.core.text import nfc
from vcnet.signing import fonts
from vcnet.signing.appearance_demo import demo_seal_png, demo_signature_png
from vcnet.signing.appearance_fields import (
    DATE_FIELD,
    NUMBER_FIELD,
    SEAL_FIELD,
    date_line_place,
    number_fields_fill,
    number_fields_prepare,
)
from vcnet.signing.appearance_images import (
    ImageInfo,
    ImageRejected,
    image_validate,
    signature_image_bytes,
    signature_image_current,
    signature_image_upload,
)
from vcnet.signing.appearance_pdf import Box, Line, page_count, page_lines, pdf_reader
from vcnet.signing.appearance_place import (
    EMBED_DPI,
    MM,
    SEAL_DEFAULT_MM,
    SIGNATURE_DEFAULT_MM,
    SIGNATURE_MAX_WIDTH_MM,
    TEXT_LEADING,
    TEXT_PADDING,
    TEXT_SIZE,
    VIETNAM,
    Kind,
    reserved_field,
    signature_place,
)

__all__ = [
    "DATE_FIELD",
    "MM",
    "NUMBER_FIELD",
    "SEAL_DEFAULT_MM",
    "SEAL_FIELD",
    "SIGNATURE_DEFAULT_MM",
    "VIETNAM",
    "Appearance",
    "Box",
    "ImageInfo",
    "ImageRejected",
    "Kind",
    "Line",
    "date_line_place",
    "demo_seal_png",
    "demo_signature_png",
    "field_spec",
    "image_validate",
    "number_fields_fill",
    "number_fields_prepare",
    "page_lines",
    "reserved_field",
    "seal_appearance",
    "signature_appearance",
    "signature_image_current",
    "signature_image_upload",
    "signature_place",
    "stamp_style",
    "text_appearance",
    "text_stamp_lines",
]


@dataclass(frozen=True)
class Appearance:
    """What a visible signature looks like and where it goes (None: located in the PDF)."""

    kind: Kind
    image: bytes | None = None  # PNG with transparency, for "signature" and "seal"
    image_width_mm: float | None = None
    image_height_mm: float | None = None
    text_lines: tuple[str, ...] = ()  # for "text"
    page: int | None = None
    box: Box | None = None  # PDF points (x1, y1, x2, y2)
    anchor_box: Box | None = None  # for a seal: the signer's signature box it overlaps
    # For locating a signature in the text of the last page.
    signer_name: str = ""
    position_line: str = ""


def signature_appearance(
    *, user: User, signer_name: str = "", position_line: str = ""
) -> Appearance | None:
    """The visible signature of `user` (their current signature image) placed between
    `position_line` and `signer_name`; None when they have not uploaded one."""
    image = signature_image_current(owner=user, kind="signature")
    if image is None:
        return None
    return Appearance(
        kind="signature",
        image=signature_image_bytes(image),
        image_width_mm=float(image.width_mm),
        image_height_mm=float(image.height_mm),
        signer_name=signer_name or user.full_name,
        position_line=position_line,
    )


def seal_appearance(
    *, unit: Unit, anchor_box: Box | None = None, page: int | None = None
) -> Appearance | None:
    """The visible seal of `unit` (its current seal image, at true size); None without one."""
    image = signature_image_current(unit=unit, kind="seal")
    if image is None:
        return None
    return Appearance(
        kind="seal",
        image=signature_image_bytes(image),
        image_width_mm=float(image.width_mm),
        image_height_mm=float(image.height_mm),
        anchor_box=anchor_box,
        page=page,
    )


def text_appearance(
    *,
    parent_code: str | None = None,
    copy_type: str | None = None,
    organisation: str,
    signed_at: dt.datetime,
) -> Appearance:
    """The text stamp of an attachment in a separate file or of an electronic copy."""
    return Appearance(
        kind="text",
        text_lines=text_stamp_lines(
            parent_code=parent_code,
            copy_type=copy_type,
            organisation=organisation,
            signed_at=signed_at,
        ),
    )


def text_stamp_lines(
    *,
    parent_code: str | None,
    copy_type: str | None,
    organisation: str,
    signed_at: dt.datetime,
) -> tuple[str, ...]:
    """The lines of the text stamp: parent number and notation (or the copy type, "SAO Y"),
    the organisation, the signing time in ISO 8601 with the Vietnam offset (+07:00)."""
    lines: list[str] = []
    if parent_code:
        lines.append(nfc(parent_code.strip()))
    if copy_type:
        lines.append(nfc(copy_type.strip().upper()))
    if organisation.strip():
        lines.append(nfc(organisation.strip()))
    if signed_at.tzinfo is None:
        raise ValueError("signed_at must be timezone-aware")
    lines.append(signed_at.astimezone(VIETNAM).replace(microsecond=0).isoformat())
    return tuple(lines)


def _image_size_mm(appearance: Appearance) -> tuple[float | None, float | None]:
    width, height = appearance.image_width_mm, appearance.image_height_mm
    if appearance.image and (width is None) != (height is None):
        with Image.open(io.BytesIO(appearance.image)) as img:
            ratio = img.height / img.width
        if width is not None:
            height = width * ratio
        elif height is not None:
            width = height / ratio
    return width, height


def appearance_place(data: bytes, appearance: Appearance) -> tuple[int, Box]:
    """The page and box of `appearance` in `data`: its own when set, else located."""
    if appearance.box is not None:
        if appearance.page is not None:
            return appearance.page, appearance.box
        return page_count(pdf_reader(data)) - 1 if appearance.kind != "text" else 0, appearance.box
    # A seal at its true size; a signature in the standard box (the image fits inside).
    width, height = _image_size_mm(appearance) if appearance.kind == "seal" else (None, None)
    index, box = signature_place(
        data,
        kind=appearance.kind,
        signer_name=appearance.signer_name,
        position_line=appearance.position_line,
        seal_over=appearance.anchor_box,
        width_mm=width,
        height_mm=height,
        text_lines=appearance.text_lines,
        page=appearance.page,
    )
    return (appearance.page if appearance.page is not None else index), box


def field_spec(data: bytes, appearance: Appearance, *, name: str) -> SigFieldSpec:
    """The pyHanko signature field for `appearance` in `data`: a new field named `name`, or,
    when `name` is an empty field already there (the reserved seal field), that one as it is."""
    if appearance.box is None:
        for field_name, _value, field_ref in enumerate_sig_fields(
            pdf_reader(data), filled_status=False
        ):
            rect = field_ref.get_object().get("/Rect")
            if field_name == name and rect is not None:
                x1, y1, x2, y2 = (float(v) for v in rect)
                return SigFieldSpec(
                    sig_field_name=name,
                    box=cast("tuple[int, int, int, int]", (x1, y1, x2, y2)),
                )
    index, box = appearance_place(data, appearance)
    return SigFieldSpec(
        sig_field_name=name,
        on_page=index,
        box=cast("tuple[int, int, int, int]", box),
    )


# --- Styles ----------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _embeddable(png: bytes, max_width_px: int) -> Image.Image:
    """The image as RGBA (pyHanko writes the alpha as an SMask), no larger than needed."""
    with Image.open(io.BytesIO(png)) as opened:
        img = opened.convert("RGBA")
    if img.width > max_width_px:
        height = max(1, round(img.height * max_width_px / img.width))
        img = img.resize((max_width_px, height), Image.Resampling.LANCZOS)
    return img


def _text_style(lines: tuple[str, ...]) -> TextStampStyle:
    # The template is %-formatted by pyHanko; the time is already in our lines.
    text = "\n".join(nfc(line) for line in lines).replace("%", "%%")
    top_left = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MAX,
        margins=layout.Margins.uniform(TEXT_PADDING),
        inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
    )
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=fonts.font_factory(size=TEXT_SIZE),
            font_size=TEXT_SIZE,
            leading=TEXT_LEADING,
            text_color=(0, 0, 0),
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MAX,
                margins=layout.Margins(),
                inner_content_scaling=layout.InnerScaling.NO_SCALING,
            ),
        ),
        inner_content_layout=top_left,
        border_width=0,
        background=None,
    )


def stamp_style(appearance: Appearance) -> BaseStampStyle:
    """The pyHanko stamp style: the PNG alone for an image, the text in Liberation Serif 10 pt
    black for a text stamp; never a border or a background."""
    if appearance.kind == "text":
        return _text_style(appearance.text_lines)
    if not appearance.image:
        raise ValueError("an image appearance needs its PNG")
    width_mm, _height_mm = _image_size_mm(appearance)
    if appearance.kind == "signature":
        width_mm = SIGNATURE_DEFAULT_MM[0]
    if appearance.box is not None:
        width_mm = abs(appearance.box[2] - appearance.box[0]) / MM
    max_px = round((width_mm or SIGNATURE_MAX_WIDTH_MM) / 25.4 * EMBED_DPI)
    img = _embeddable(appearance.image, max(50, max_px))
    return StaticStampStyle(
        background=PdfImage(img),
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
        border_width=0,
    )
