"""Statistics as a spreadsheet (XLSX) and as a printable PDF."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.documents.reports.registers import FONT, landscape_pdf, register_fonts, styles
from vcnet.documents.stats import Stats, UnitStats


def _hours(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


def _days(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 86400, 2) if value is not None else None


def unit_headers() -> list[str]:
    """The columns of the per-unit table, shared by the page and both exports."""
    return [
        _("Unit"),
        _("Received"),
        _("Registered"),
        _("Issued"),
        _("Completed on time"),
        _("Completed late"),
        _("Open and overdue"),
        _("Average handling (days)"),
        _("Circulation to arrival (hours)"),
        _("Circulation to registration (hours)"),
    ]


def unit_row(row: UnitStats) -> list[Any]:
    """One unit's figures in the order of `unit_headers`."""
    return [
        row.name,
        row.received,
        row.registered,
        row.issued,
        row.on_time,
        row.late,
        row.open_overdue,
        _days(row.handling),
        _hours(row.circulation_arrival),
        _hours(row.circulation_registration),
    ]


def _summary(stats: Stats) -> list[tuple[str, Any]]:
    paper = stats.paper
    return [
        (_("Unit"), stats.unit.name),
        (_("Including units below"), _("yes") if stats.include_children else _("no")),
        (_("From"), stats.date_from.strftime("%d/%m/%Y")),
        (_("To"), stats.date_to.strftime("%d/%m/%Y")),
        (_("Internal deliveries"), stats.circulation.deliveries),
        (
            _("Circulation to registration, 95th percentile (hours)"),
            _hours(stats.circulation.registration_p95),
        ),
        (_("Paper baseline: handling (days)"), paper.paper_handling_days),
        (_("Handling time saved against paper (%)"), paper.handling_saving_percent),
        (_("Paper baseline: circulation (hours)"), paper.paper_circulation_hours),
        (_("Circulation time saved against paper (%)"), paper.circulation_saving_percent),
    ]


def stats_xlsx(stats: Stats) -> bytes:
    """A workbook: summary, per unit, by type and urgency, and the daily series."""
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = _("Summary")[:31]
    for label, value in _summary(stats):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 55
    sheet.column_dimensions["B"].width = 40

    units = book.create_sheet(_("Per unit")[:31])
    units.append(unit_headers())
    for row in [*stats.units, stats.total]:
        units.append(unit_row(row))
    units.column_dimensions["A"].width = 45
    for cell in units[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in units[units.max_row]:
        cell.font = bold
    units.freeze_panes = "B2"

    kinds = book.create_sheet(_("By type")[:31])
    kinds.append([_("Type"), _("Documents")])
    for name, n in stats.by_type:
        kinds.append([name, n])
    kinds.append([])
    kinds.append([_("Urgency"), _("Documents")])
    for name, n in stats.by_priority:
        kinds.append([name, n])
    kinds.column_dimensions["A"].width = 40

    daily = book.create_sheet(_("Per day")[:31])
    daily.append([_("Day"), _("Received"), _("Issued")])
    for day, received, issued in stats.daily:
        daily.append([day, received, issued])
        daily.cell(row=daily.max_row, column=1).number_format = "DD/MM/YYYY"
    daily.column_dimensions["A"].width = 14
    for sheet_ in (kinds, daily):
        for cell in sheet_[1]:
            cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ")
    return str(value)


def stats_pdf(stats: Stats) -> bytes:
    """The statistics as a landscape A4 PDF: summary, per-unit table, types and urgency."""
    st = styles()
    register_fonts()
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
        ]
    )

    def cells(values: list[Any], style: str = "cell") -> list[Paragraph]:
        return [Paragraph(escape(_fmt(v)), st[style]) for v in values]

    title = _("Document statistics: %(unit)s") % {"unit": stats.unit.name}
    period = _("From %(start)s to %(end)s") % {
        "start": stats.date_from.strftime("%d/%m/%Y"),
        "end": stats.date_to.strftime("%d/%m/%Y"),
    }
    story: list[Any] = [
        Paragraph(escape(title), st["h2"]),
        Paragraph(escape(period), st["body"]),
        Spacer(1, 4 * mm),
        Table(
            [cells([label, value]) for label, value in _summary(stats)],
            colWidths=[120 * mm, 80 * mm],
            style=grid,
        ),
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Per unit")), st["h2"]),
        Table(
            [
                cells(unit_headers(), "head"),
                *[cells(unit_row(row)) for row in [*stats.units, stats.total]],
            ],
            colWidths=[70 * mm] + [23 * mm] * 9,
            repeatRows=1,
            style=grid,
        ),
        Spacer(1, 6 * mm),
        Paragraph(escape(_("By type")), st["h2"]),
        Table(
            [cells([_("Type"), _("Documents")], "head")]
            + [cells([name, n]) for name, n in stats.by_type],
            colWidths=[90 * mm, 30 * mm],
            repeatRows=1,
            style=grid,
        ),
        Spacer(1, 6 * mm),
        Paragraph(escape(_("By urgency")), st["h2"]),
        Table(
            [cells([_("Urgency"), _("Documents")], "head")]
            + [cells([name, n]) for name, n in stats.by_priority],
            colWidths=[90 * mm, 30 * mm],
            style=grid,
        ),
    ]
    return landscape_pdf(story, title=title, number_first=True)


def export_record(
    *,
    actor: User,
    what: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Write the audit entry of an export or a printed register ("documents.export")."""
    with transaction.atomic():
        audit_write(
            actor=actor,
            action="documents.export",
            obj=obj,
            data={"what": what, **(data or {})},
            request=request,
        )
