"""Where a visible signature goes on the page (Decree 30/2020 Appendix I), found in the PDF's
text: the signer's signature between the position line and the name, the seal at true size
over the left third of it, the text stamp at the top right of page 1."""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from vcnet.core.text import fold, nfc
from vcnet.signing import fonts
from vcnet.signing.appearance_fields import SEAL_FIELD
from vcnet.signing.appearance_pdf import Box, Line, page_count, page_lines, page_size, pdf_reader

Kind = Literal["signature", "seal", "text"]

MM = 72 / 25.4  # points per millimetre
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# The signature box (mm), shrunk to fit the gap between position and name; the image is fitted
# inside keeping its proportions. Fixed, so that the seal's place can be reserved before the
# signer signs (see `number_fields_prepare`).
SIGNATURE_DEFAULT_MM = (50.0, 20.0)
SEAL_DEFAULT_MM = 36.0
SIGNATURE_MAX_WIDTH_MM = 70.0

TEXT_SIZE = 10  # Times New Roman 10 pt (Appendix I, II.8.b)
TEXT_LEADING = 11
TEXT_PADDING = 1
TEXT_RIGHT_MARGIN_MM = 15.0
TEXT_TOP_MARGIN_MM = 3.5
TEXT_MAX_WIDTH_MM = 100.0

# Images are embedded at no more than this resolution at their printed size.
EMBED_DPI = 300

# --- Locating --------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", nfc(text)).strip().casefold()


def _matches(line: Line, target: str) -> bool:
    """Whether the line holds `target` (exact letters first, then ignoring diacritics)."""
    if not target:
        return False
    text = _clean(line.text)
    wanted = _clean(target)
    if wanted in text:
        return True
    return fold(target) in fold(line.text)


def _is_note(line: Line) -> bool:
    # "(đã ký)", "(Chữ ký, dấu)" and the like sit in the gap the signature fills.
    return line.text.strip().startswith("(")


def _overlaps_x(a: Line, b: Line) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1


def _find_block(
    lines: list[Line], signer_name: str, position_line: str
) -> tuple[Line | None, Line | None]:
    """The signer's name line and the last line of their position above it."""
    name_line = None
    candidates = [
        line
        for line in lines
        if _matches(line, signer_name) and len(line.text.strip()) <= len(signer_name) + 12
    ]
    if candidates:
        name_line = min(candidates, key=lambda line: line.y0)  # the lowest: under the signature
    wanted = [part for part in (position_line or "").splitlines() if part.strip()]
    last_position = wanted[-1] if wanted else ""
    above = [
        line
        for line in lines
        if (name_line is None or (line.y0 > name_line.y1 - 1 and _overlaps_x(line, name_line)))
        and not _is_note(line)
    ]
    position = None
    if last_position:
        matching = [line for line in above if _matches(line, last_position)]
        if matching:
            position = min(matching, key=lambda line: line.y0)
    if position is None and name_line is not None:
        # The nearest line above the name in the same column is the position line.
        nearer = [line for line in above if line.y0 - name_line.y1 < 200]
        if nearer:
            position = min(nearer, key=lambda line: line.y0)
    return name_line, position


def _fit(width: float, height: float, max_width: float, max_height: float) -> tuple[float, float]:
    scale = min(1.0, max_width / width, max_height / height)
    return width * scale, height * scale


def _clamp(box: Box, page: Box) -> Box:
    x1, y1, x2, y2 = box
    px1, py1, px2, py2 = page
    dx = max(0.0, px1 - x1) - max(0.0, x2 - px2)
    dy = max(0.0, py1 - y1) - max(0.0, y2 - py2)
    return (x1 + dx, y1 + dy, x2 + dx, y2 + dy)


def _rounded(box: Box) -> Box:
    x1, y1, x2, y2 = box
    return (round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2))


def _signature_box(
    reader: PdfFileReader,
    data: bytes,
    *,
    signer_name: str,
    position_line: str,
    size_mm: tuple[float, float],
) -> tuple[int, Box]:
    count = page_count(reader)
    width, height = size_mm[0] * MM, size_mm[1] * MM
    width, height = _fit(width, height, SIGNATURE_MAX_WIDTH_MM * MM, 40 * MM)
    # The last page first; a signature block may sit on the page before a page of recipients.
    for index in range(count - 1, max(-1, count - 3), -1):
        lines = page_lines(data, index)
        if not (signer_name or position_line):
            break
        name, position = _find_block(lines, signer_name, position_line)
        if name is None and position is None:
            continue
        page_box = page_size(reader, index)
        if name is not None and position is not None:
            gap_top, gap_bottom = position.y0, name.y1
            gap = gap_top - gap_bottom
            if gap > 12:
                width, height = _fit(width, height, SIGNATURE_MAX_WIDTH_MM * MM, gap - 2)
            cx = (name.x0 + name.x1) / 2
            cy = (gap_top + gap_bottom) / 2 if gap > 12 else name.y1 + 2 + height / 2
        elif name is not None:
            cx, cy = (name.x0 + name.x1) / 2, name.y1 + 4 + height / 2
        elif position is not None:
            cx, cy = (position.x0 + position.x1) / 2, position.y0 - 4 - height / 2
        box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        return index, _rounded(_clamp(box, page_box))
    index = count - 1
    _x1, y1, x2, _y2 = page_size(reader, index)
    right, bottom = x2 - 25 * MM, y1 + 30 * MM
    return index, _rounded((right - width, bottom, right, bottom + height))


def _existing_signature(reader: PdfFileReader) -> tuple[int, Box] | None:
    """The page and box of the last visible signature already in the PDF (the signer's)."""
    found: tuple[int, Box] | None = None
    pages = {}
    for index in range(page_count(reader)):
        page_ref = reader.find_page_for_modification(index)[0]
        pages[page_ref.reference] = index
    for _name, _value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        field = field_ref.get_object()
        annot = field
        if "/Rect" not in field and "/Kids" in field:
            annot = field["/Kids"][0].get_object()
        try:
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
        except (KeyError, TypeError, ValueError):
            continue
        if abs(x2 - x1) < 1 or abs(y2 - y1) < 1:
            continue
        page_raw = annot.raw_get("/P") if "/P" in annot else None
        index = (
            pages.get(page_raw.reference, page_count(reader) - 1)
            if isinstance(page_raw, generic.IndirectObject)
            else page_count(reader) - 1
        )
        found = (index, (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
    return found


def reserved_field(data: bytes, kind: Kind) -> str | None:
    """The empty signature field prepared for `kind` ("seal": `vcnet_seal`), if the PDF has one;
    sign into it (`pades.pdf_sign(..., field_name=...)`) so that the signer's certification
    still holds (a new visible field after it would not be form filling)."""
    if kind != "seal":
        return None
    reader = pdf_reader(data)
    for name, _value, _ref in enumerate_sig_fields(reader, filled_status=False):
        if name == SEAL_FIELD:
            return name
    return None


def _seal_box(anchor: Box, size_mm: tuple[float, float], page_box: Box) -> Box:
    """The seal at true size, its right edge over the first third of the signature."""
    sx1, sy1, sx2, sy2 = anchor
    width, height = size_mm[0] * MM, size_mm[1] * MM
    right = sx1 + (sx2 - sx1) / 3
    cy = (sy1 + sy2) / 2
    return _rounded(_clamp((right - width, cy - height / 2, right, cy + height / 2), page_box))


def _text_box(reader: PdfFileReader, text_lines: tuple[str, ...]) -> tuple[int, Box]:
    lines = text_lines or ("",)
    width = max(fonts.text_width(line, size=TEXT_SIZE) for line in lines) + 2 * TEXT_PADDING + 4
    # A very long line is shrunk to fit rather than run over the motto or off the page.
    width = min(width, TEXT_MAX_WIDTH_MM * MM)
    height = len(lines) * TEXT_LEADING + 2 * TEXT_PADDING + 2
    _x1, _y1, x2, y2 = page_size(reader, 0)
    right, top = x2 - TEXT_RIGHT_MARGIN_MM * MM, y2 - TEXT_TOP_MARGIN_MM * MM
    return 0, _rounded((right - width, top - height, right, top))


def signature_place(
    data: bytes,
    *,
    kind: Kind,
    signer_name: str = "",
    position_line: str = "",
    seal_over: Box | None = None,
    width_mm: float | None = None,
    height_mm: float | None = None,
    text_lines: tuple[str, ...] = (),
    page: int | None = None,
) -> tuple[int, Box]:
    """Where a visible signature goes: (page index, box in PDF points).

    A signature: centred between the position line and the name (last page; fallback bottom
    right). A seal: true size over the left third of `seal_over`, else of the last visible
    signature in the PDF, else of where the signature would go. Text: top right of page 1.
    """
    reader = pdf_reader(data)
    if kind == "text":
        return _text_box(reader, text_lines)
    if kind == "signature":
        size = (width_mm or SIGNATURE_DEFAULT_MM[0], height_mm or SIGNATURE_DEFAULT_MM[1])
        return _signature_box(
            reader, data, signer_name=signer_name, position_line=position_line, size_mm=size
        )
    seal_width = width_mm or SEAL_DEFAULT_MM
    seal_size = (seal_width, height_mm or seal_width)
    anchor: tuple[int, Box] | None = None
    if seal_over is not None:
        anchor = (page if page is not None else page_count(reader) - 1, seal_over)
        existing = _existing_signature(reader)
        if page is None and existing and _same_box(existing[1], seal_over):
            anchor = (existing[0], seal_over)
    else:
        anchor = _existing_signature(reader) if not (signer_name or position_line) else None
        if anchor is None:
            anchor = _signature_box(
                reader,
                data,
                signer_name=signer_name,
                position_line=position_line,
                size_mm=SIGNATURE_DEFAULT_MM,
            )
    index, box = anchor
    return index, _seal_box(box, seal_size, page_size(reader, index))


def _same_box(a: Box, b: Box) -> bool:
    return all(abs(x - y) < 1 for x, y in zip(a, b, strict=True))
