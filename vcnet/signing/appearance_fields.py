"""The number and date written into a signed PDF before the seal.

Before the competent person signs, `number_fields_prepare` adds two empty text fields over the
"Số: …" line and the "…, ngày … tháng … năm …" line of page 1. Their signature certifies the
document allowing form filling (DocMDP 2), so after it the clerk's `number_fields_fill` can write
the number and the date as form filling: an incremental update that sets the fields' values and
appearances, which pyHanko's difference analysis classes as FORM_FILLING, not OTHER. The filled
appearance has a white background so it covers the placeholder printed underneath.
"""

from __future__ import annotations

import io
import re
from typing import cast

from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.form_tools import get_single_field_annot
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from vcnet.core.text import nfc
from vcnet.signing import fonts
from vcnet.signing.appearance_pdf import Box, Line, page_lines, page_size, pdf_reader
from vcnet.signing.errors import BadPdf, SigningError

NUMBER_FIELD = "vcnet_number"
DATE_FIELD = "vcnet_date"
SEAL_FIELD = "vcnet_seal"

_NUMBER_LINE = re.compile(r"^\s*Số\s*[:.]?\s*(?:[\d.…_ ]|\S*/)", re.IGNORECASE)
_DATE_LINE = re.compile(r"ngày\s*\S{0,10}\s*tháng\s*\S{0,10}\s*năm", re.IGNORECASE)

DEFAULT_SIZE = 13  # Decree 30: the number and the date in 13 pt
NUMBER_WIDTH = 200.0
DATE_WIDTH = 270.0
FIELD_FLAG_READ_ONLY = 1
ANNOT_FLAG_PRINT = 4
DA_FONT = "VcnetTimes"
_DA_SIZE = re.compile(r"/\S+\s+(\d+(?:\.\d+)?)\s+Tf")


def _locate(lines: list[Line], page: Box) -> tuple[tuple[Box, int], tuple[Box, int]]:
    """The boxes (and text sizes) of the number field and the date field on page 1."""
    x1, y1, x2, y2 = page
    middle = (x1 + x2) / 2
    upper = [line for line in lines if line.y0 > y1 + (y2 - y1) * 0.5]
    numbers = [
        line
        for line in upper
        if _NUMBER_LINE.match(line.text) and len(line.text) < 60 and line.x0 < middle
    ]
    dates = [line for line in upper if _DATE_LINE.search(line.text) and line.x1 > middle]
    number = max(numbers, key=lambda line: line.y1) if numbers else None
    date = max(dates, key=lambda line: line.y1) if dates else None
    # Each box stays clear of the other line (they share a row in the Decree 30 layout).
    number_hi = date.x0 - 4 if date else middle - 4
    date_lo = number.x1 + 4 if number else middle + 4
    # Fallbacks: the Decree 30 layout (number under the issuer, date under the motto).
    top = y2 - 62 * 72 / 25.4
    number_box = (
        _box_around(number, NUMBER_WIDTH, lo=x1 + 10, hi=number_hi)
        if number
        else (x1 + 60, top, min(x1 + 60 + NUMBER_WIDTH, middle - 10), top + 18)
    )
    date_box = (
        _box_around(date, DATE_WIDTH, lo=date_lo, hi=x2 - 10)
        if date
        else (max(x2 - 30 - DATE_WIDTH, middle + 10), top, x2 - 30, top + 18)
    )
    number_size = round(number.size) if number else DEFAULT_SIZE
    date_size = round(date.size) if date else DEFAULT_SIZE
    return (number_box, number_size), (date_box, date_size)


def date_line_place(data: bytes) -> str:
    """The place printed before "ngày" on page 1's date line ("Nghệ An" of "Nghệ An, ngày …
    tháng … năm …"), or "": the filled date covers the whole line, so it must repeat it."""
    x1, y1, x2, y2 = page_size(pdf_reader(data), 0)
    middle = (x1 + x2) / 2
    for line in sorted(page_lines(data, 0), key=lambda line: -line.y1):
        found = _DATE_LINE.search(line.text)
        if found and line.y0 > y1 + (y2 - y1) * 0.5 and line.x1 > middle:
            return line.text[: found.start()].strip().rstrip(",").strip()
    return ""


def _box_around(line: Line, width: float, *, lo: float, hi: float) -> Box:
    """A box centred on the line, `width` wide where room allows (within lo..hi), always
    covering the whole line, a little taller than it."""
    cx = (line.x0 + line.x1) / 2
    half = max(width, line.x1 - line.x0 + 16) / 2
    left = min(max(lo, cx - half), line.x0 - 3)
    right = max(min(hi, cx + half), line.x1 + 3)
    height = max(line.y1 - line.y0, line.size) + 4
    cy = (line.y0 + line.y1) / 2
    return (
        round(left, 2),
        round(cy - height / 2, 2),
        round(right, 2),
        round(cy + height / 2, 2),
    )


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    pdf_reader(data)  # BadPdf for what cannot be read
    try:
        return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError) as exc:
        raise BadPdf(_("The PDF is damaged or truncated and cannot be read.")) from exc


def _field_style(size: int, style: fonts.Style = "regular") -> TextBoxStyle:
    return TextBoxStyle(
        font=fonts.font_factory(style=style, size=size),
        font_size=size,
        text_color=(0, 0, 0),
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _field_names(writer: IncrementalPdfFileWriter) -> set[str]:
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return set()
    return {str(ref.get_object().get("/T", "")) for ref in fields}


def _acroform_fields(writer: IncrementalPdfFileWriter) -> generic.ArrayObject:
    """The AcroForm's field list (created when missing), with a default font resource for the
    fields' /DA; the caller adds fields and marks the list updated."""
    root = writer.root
    if "/AcroForm" not in root:
        root[pdf_name("/AcroForm")] = writer.add_object(generic.DictionaryObject())
        writer.update_root()
    form = root["/AcroForm"]
    if "/Fields" not in form:
        form[pdf_name("/Fields")] = generic.ArrayObject()
    resources = form.setdefault(pdf_name("/DR"), generic.DictionaryObject()).get_object()
    font_dict = resources.setdefault(pdf_name("/Font"), generic.DictionaryObject()).get_object()
    if "/" + DA_FONT not in font_dict:
        font_dict[pdf_name("/" + DA_FONT)] = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Times-Roman"),
                pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
            }
        )
        writer.update_container(font_dict)
    writer.update_container(form)
    return cast("generic.ArrayObject", form["/Fields"])


def number_fields_prepare(
    data: bytes,
    *,
    reserve_seal: bool = False,
    signer_name: str = "",
    position_line: str = "",
    seal_width_mm: float | None = None,
    seal_height_mm: float | None = None,
) -> bytes:
    """Add the empty `vcnet_number` and `vcnet_date` text fields over the number line and the
    date line of page 1 (located in the text; else where Decree 30 puts them); with
    `reserve_seal`, also the empty signature field `vcnet_seal` where the seal will overlap the
    signer's signature (located from `signer_name` and `position_line`).

    Call it before the signer's certification signature: pyHanko's difference analysis (like
    the PDF standard's intent) allows filling existing fields after a certification with form
    filling allowed, but not adding a new visible signature field; the seal is then signed
    into `vcnet_seal` (pass `field_name=SEAL_FIELD` to `pades.pdf_sign`).
    """
    writer = _writer(data)
    if {NUMBER_FIELD, DATE_FIELD} <= _field_names(writer):
        return data
    reader = pdf_reader(data)
    (number_box, number_size), (date_box, date_size) = _locate(
        page_lines(data, 0), page_size(reader, 0)
    )
    page_ref = writer.find_page_for_modification(0)[0]
    fields = _acroform_fields(writer)
    for name, box, size, label in (
        (NUMBER_FIELD, number_box, number_size, "Số và ký hiệu"),
        (DATE_FIELD, date_box, date_size, "Ngày ban hành"),
    ):
        field = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Widget"),
                pdf_name("/FT"): pdf_name("/Tx"),
                pdf_name("/T"): pdf_string(name),
                pdf_name("/TU"): pdf_string(label),
                pdf_name("/F"): generic.NumberObject(ANNOT_FLAG_PRINT),
                pdf_name("/Ff"): generic.NumberObject(0),
                pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in box),
                pdf_name("/P"): page_ref,
                # The size the value is written in: the line's own.
                pdf_name("/DA"): pdf_string(f"/{DA_FONT} {size} Tf 0 g"),
            }
        )
        # An empty appearance: nothing drawn until the value is filled in.
        width, height = box[2] - box[0], box[3] - box[1]
        empty = StaticStampStyle(border_width=0).create_stamp(
            writer, layout.BoxConstraints(width=width, height=height), text_params={}
        )
        empty.apply_appearance(field)
        field_ref = writer.add_object(field)
        fields.append(field_ref)
        writer.register_annotation(page_ref, field_ref)
    writer.update_container(fields)
    if reserve_seal and SEAL_FIELD not in _field_names(writer):
        from vcnet.signing.appearance_place import signature_place

        seal_page, seal_box = signature_place(
            data,
            kind="seal",
            signer_name=signer_name,
            position_line=position_line,
            width_mm=seal_width_mm,
            height_mm=seal_height_mm,
        )
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=SEAL_FIELD,
                on_page=seal_page,
                box=cast("tuple[int, int, int, int]", seal_box),
            ),
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _white() -> PdfImage:
    return PdfImage(Image.new("RGB", (1, 1), (255, 255, 255)))


def _fill_one(writer: IncrementalPdfFileWriter, name: str, text: str, style: fonts.Style) -> None:
    field_ref = _find_field(writer, name)
    field = field_ref.get_object()
    annot = get_single_field_annot(field)
    x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
    width, height = abs(x2 - x1), abs(y2 - y1)
    found = _DA_SIZE.search(str(field.get("/DA", "")))
    size = round(float(found.group(1))) if found else DEFAULT_SIZE
    # Shrink the text rather than let it run out of the white box.
    while size > 7 and fonts.text_width(text, size=size, style=style) > width - 4:
        size -= 1
    stamp_style = TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        text_box_style=_field_style(size, style),
        border_width=0,
        background=_white(),
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.STRETCH_FILL,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )
    stamp = stamp_style.create_stamp(
        writer, layout.BoxConstraints(width=width, height=height), text_params={}
    )
    stamp.apply_appearance(annot)
    writer.update_container(annot)
    field["/V"] = generic.TextStringObject(text)
    field["/Ff"] = generic.NumberObject(int(field.get("/Ff", 0)) | FIELD_FLAG_READ_ONLY)
    writer.update_container(field)


def _find_field(writer: IncrementalPdfFileWriter, name: str) -> generic.IndirectObject:
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        fields = generic.ArrayObject()
    for ref in fields:
        field = ref.get_object()
        if str(field.get("/T", "")) == name and field.get("/FT") == "/Tx":
            if field.get("/V"):
                raise SigningError(_("The number and date are already written into this PDF."))
            return ref
    raise SigningError(
        _("This PDF has no field for the number and date; it was not prepared before signing.")
    )


def number_fields_fill(data: bytes, *, number_text: str, date_text: str) -> bytes:
    """Write the number and the date into the prepared fields, as an incremental update that
    the signer's certification (form filling allowed) permits."""
    writer = _writer(data)
    _fill_one(writer, NUMBER_FIELD, nfc(number_text), "regular")
    _fill_one(writer, DATE_FIELD, nfc(date_text), "italic")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
