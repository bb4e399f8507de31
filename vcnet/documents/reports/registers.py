"""The yearly register as a PDF for printing and binding (Decree 30 Appendix IV).

Landscape A4, DejaVu Serif (so Vietnamese diacritics render), a cover page, the ten columns of
the incoming or outgoing register with the header row repeated on every page, page numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import IntegerField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound, PermissionDeniedError
from vcnet.documents.models import Direction, Document, Register
from vcnet.documents.stats import can_view_stats

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "core" / "fonts"
FONT = "DejaVuSerif"
FONT_BOLD = "DejaVuSerif-Bold"
# Rows per table: platypus lays out long tables slowly, so a year is printed as a run of
# tables, each repeating the header row (page breaks inside one repeat it too).
CHUNK = 150


@cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Serif (regular and bold) with reportlab once; returns their names."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSerif-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
    return FONT, FONT_BOLD


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles shared by the register and the statistics PDF."""
    register_fonts()
    return {
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9),
        "head": ParagraphStyle(
            "head", fontName=FONT_BOLD, fontSize=7.5, leading=9, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", fontName=FONT_BOLD, fontSize=22, leading=28, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=FONT, fontSize=14, leading=20, alignment=TA_CENTER
        ),
        "h2": ParagraphStyle("h2", fontName=FONT_BOLD, fontSize=12, leading=16, spaceAfter=6),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13),
    }


def register_for_print(user: User, register_id: int) -> Register:
    """The register if `user` may print it (leaders and clerks of its unit or above, admins)."""
    register = Register.objects.select_related("unit").filter(pk=register_id).first()
    if register is None:
        raise NotFound(_("Register not found."))
    if not can_view_stats(user, register.unit):
        raise PermissionDeniedError(_("You may not print the registers of this unit."))
    return register


def _documents(register: Register, year: int) -> QuerySet[Document]:
    documents = Document.objects.filter(
        register=register, registered_year=str(year)
    ).select_related("doc_type", "drafting_unit")
    if register.direction == Direction.INCOMING:
        return documents.filter(arrival_number__isnull=False).order_by("arrival_number", "id")
    return (
        documents.exclude(code_number="")
        .filter(code_number__regex=r"^[0-9]+$")
        .annotate(n=Cast("code_number", IntegerField()))
        .order_by("n", "id")
    )


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _summary(document: Document) -> str:
    kind = document.doc_type.name if document.doc_type else ""
    return f"{kind}: {document.subject}" if kind else document.subject


def register_headers(direction: str) -> list[str]:
    """The ten column headings of Appendix IV for the incoming or the outgoing register."""
    if direction == Direction.INCOMING:
        return [
            _("Date received"),
            _("Incoming number"),
            _("Issuing organisation"),
            _("Number and notation"),
            _("Document date"),
            _("Type and summary"),
            _("Unit or person receiving"),
            _("Date transferred"),
            _("Receipt signature"),
            _("Notes"),
        ]
    return [
        _("Number and notation"),
        _("Document date"),
        _("Type and summary"),
        _("Signer"),
        _("Recipients"),
        _("Unit or person keeping the archive copy"),
        _("Copies"),
        _("Date sent"),
        _("Receipt signature"),
        _("Notes"),
    ]


def register_rows(register: Register, year: int) -> list[list[str]]:
    """The register's lines for one year, in number order, as the ten columns of Appendix IV."""
    rows: list[list[str]] = []
    for d in _documents(register, year).iterator(chunk_size=2000):
        if register.direction == Direction.INCOMING:
            rows.append(
                [
                    _date(d.arrival_date or d.created_at),
                    str(d.arrival_number or ""),
                    d.organ_name,
                    d.code,
                    _date(d.issued_date),
                    _summary(d),
                    d.to_places,
                    _date(d.directed_at),
                    "",
                    d.description,
                ]
            )
        else:
            rows.append(
                [
                    d.code,
                    _date(d.issued_date),
                    _summary(d),
                    d.signer_name,
                    d.recipients_text,
                    d.drafting_unit.name if d.drafting_unit else "",
                    str(d.issued_amount or ""),
                    _date(d.issued_at),
                    "",
                    d.description,
                ]
            )
    return rows


def register_years(register: Register) -> list[int]:
    """The years that have numbered documents in this register, newest first."""
    years = (
        Document.objects.filter(register=register)
        .exclude(registered_year="")
        .values_list("registered_year", flat=True)
        .distinct()
    )
    return sorted({int(y) for y in years if y.isdigit()}, reverse=True)


# Column widths in millimetres (277 mm of landscape A4 between the margins).
WIDTHS: dict[str, tuple[int, ...]] = {
    Direction.INCOMING: (20, 16, 34, 26, 20, 70, 32, 20, 20, 19),
    Direction.OUTGOING: (26, 18, 66, 26, 38, 28, 12, 18, 20, 25),
}


def _numbered(canvas: Canvas, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(
        doc.pagesize[0] / 2,
        8 * mm,
        _("Page %(number)s") % {"number": canvas.getPageNumber()},
    )
    canvas.restoreState()


def landscape_pdf(story: list[Any], *, title: str, number_first: bool = False) -> bytes:
    """Build an A4 landscape PDF of `story`; pages after the first (or every page) numbered."""
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=title,
        author="VCNET",
    )
    if number_first:
        pdf.build(story, onFirstPage=_numbered, onLaterPages=_numbered)
    else:
        pdf.build(story, onLaterPages=_numbered)
    return buffer.getvalue()


def register_pdf(register: Register, year: int) -> bytes:
    """The register of `year` as a PDF: cover page, then the ten-column table."""
    st = styles()
    incoming = register.direction == Direction.INCOMING
    title = _("Register of incoming documents") if incoming else _("Register of outgoing documents")
    story: list[Any] = [
        Spacer(1, 30 * mm),
        Paragraph(escape(register.unit.name.upper()), st["subtitle"]),
        Spacer(1, 25 * mm),
        Paragraph(escape(title.upper()), st["title"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(register.name), st["subtitle"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Year %(year)s") % {"year": year}), st["subtitle"]),
        Spacer(1, 30 * mm),
        Paragraph(
            escape(_("Printed on %(date)s from VCNET.") % {"date": _date(timezone.localdate())}),
            st["body"],
        ),
        PageBreak(),
    ]
    header = [Paragraph(escape(h), st["head"]) for h in register_headers(register.direction)]
    numbers = [Paragraph(f"({i})", st["head"]) for i in range(1, 11)]
    widths = [w * mm for w in WIDTHS[register.direction]]
    rows = register_rows(register, year)
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#f2f2f2")),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ]
    )
    if not rows:
        story.append(
            Paragraph(escape(_("No documents in this register for the year.")), st["body"])
        )
    for start in range(0, len(rows), CHUNK):
        body = [
            [Paragraph(escape(cell), st["cell"]) for cell in row]
            for row in rows[start : start + CHUNK]
        ]
        story.append(Table([header, numbers, *body], colWidths=widths, repeatRows=2, style=style))
    return landscape_pdf(story, title=f"{title} {year}: {register.unit.name}")
