"""Reading what appearances need from a PDF: pages, their sizes, and text lines with positions."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfparser import PDFSyntaxError
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from vcnet.core.text import nfc
from vcnet.signing.errors import BadPdf

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Line:
    """One line of text on a page: its text, box (PDF points) and font size."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float


def pdf_reader(data: bytes) -> PdfFileReader:
    """A pyHanko reader over `data`; BadPdf when it is not a readable, unencrypted PDF."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise BadPdf(_("The file is not a PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise BadPdf(_("The PDF is encrypted; remove the password before signing it."))
        reader.root["/Pages"]
    except BadPdf:
        raise
    except (PdfError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise BadPdf(_("The PDF is damaged or truncated and cannot be read.")) from exc
    return reader


def page_count(reader: PdfFileReader) -> int:
    """How many pages the document has."""
    return int(reader.root["/Pages"]["/Count"])


def page_size(reader: PdfFileReader, index: int) -> Box:
    """The page's crop box (else media box) in PDF points."""
    page = reader.find_page_for_modification(index)[0].get_object()
    box = page.get("/CropBox") or _inherited(reader, index, "/MediaBox")
    x1, y1, x2, y2 = (float(v) for v in box)
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _inherited(reader: PdfFileReader, index: int, key: str) -> list[float]:
    node = reader.find_page_for_modification(index)[0].get_object()
    while node is not None:
        if key in node:
            return list(node[key])
        node = node.get("/Parent")
    return [0, 0, 595.28, 841.89]  # A4


def page_lines(data: bytes, index: int) -> list[Line]:
    """The text lines of page `index` with their positions (empty for a scanned page)."""
    lines: list[Line] = []
    try:
        pages = list(extract_pages(io.BytesIO(data), page_numbers=[index], laparams=LAParams()))
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError):
        return lines
    for page in pages:
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                if not isinstance(line, LTTextLine):
                    continue
                text = nfc(line.get_text()).strip()
                if not text:
                    continue
                sizes = [char.size for char in line if isinstance(char, LTChar)]
                size = max(sizes) if sizes else 12.0
                lines.append(Line(text, line.x0, line.y0, line.x1, line.y1, size))
    return lines
