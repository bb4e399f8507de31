"""The opinion report as a file: an XLSX workbook for further work, a PDF for reading and printing.

Both are drawn from one `selectors.Overview`, so they show exactly what the dashboard showed for
the same filters: aggregate figures only, no item and no author. Text that came from public
content (topic labels, keywords) is escaped for the PDF's markup and always stored as text in
the workbook, so a keyword such as "=HYPERLINK(...)" can never become a formula.

The workbook's sheet names are fixed Vietnamese ("Tổng quan", "Chuỗi thời gian", "Chủ đề",
"Tỉnh thành", "Từ khóa"), as the report format asks, so formulas and macros that refer to them
keep working whatever the interface language; headings and labels follow the language.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from functools import cache
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from vcnet.opinion import selectors
from vcnet.opinion.models import ItemKind, Period

SHEETS = ("Tổng quan", "Chuỗi thời gian", "Chủ đề", "Tỉnh thành", "Từ khóa")
FONT_DIR = Path(__file__).resolve().parent.parent / "core" / "fonts"
FONT = "DejaVuSerif"
FONT_BOLD = "DejaVuSerif-Bold"
POSITIVE = colors.HexColor("#17692f")
NEUTRAL = colors.HexColor("#8a929e")
NEGATIVE = colors.HexColor("#b3141c")
HEAD_BG = colors.HexColor("#eef0f4")
GRID = colors.HexColor("#c9ced6")


# --- What the report is about ------------------------------------------------------------------
def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def period_text(f: selectors.Filters) -> str:
    """The period in local time: days for daily figures, hours for hourly ones (end excluded)."""
    first, last = _local(f.start), _local(f.end - dt.timedelta(microseconds=1))
    if f.period == Period.HOUR:
        return f"{first:%d/%m/%Y %H:%M} \u2013 {_local(f.end):%d/%m/%Y %H:%M}"
    return f"{first:%d/%m/%Y} \u2013 {last:%d/%m/%Y}"


def describe(f: selectors.Filters) -> list[tuple[str, str]]:
    """The filters in words, as (label, value) pairs, for the page and the reports."""
    source = dict(selectors.source_choices()).get(f.source_id or 0, "") if f.source_id else ""
    topic = dict(selectors.topic_choices()).get(f.topic_id or 0, "") if f.topic_id else ""
    kind = str(ItemKind(f.kind).label) if f.kind in ItemKind.values else ""
    return [
        (_("Period"), period_text(f)),
        (_("Source"), source or _("All sources")),
        (_("Topic"), topic or _("All topics")),
        (_("Province or city"), f.province or _("All provinces")),
        (_("Kind of content"), kind or _("All kinds")),
    ]


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _totals(ov: selectors.Overview) -> list[tuple[str, int, float | None]]:
    """(label, count, share of all mentions) rows of the totals table."""
    return [
        (pgettext("opinion", "Mentions"), ov.total, None),
        (_("Previous period"), ov.previous_total, None),
        (_("Positive"), ov.positive, _share(ov.positive, ov.total)),
        (_("Neutral"), ov.neutral, _share(ov.neutral, ov.total)),
        (_("Negative"), ov.negative, _share(ov.negative, ov.total)),
    ]


# --- XLSX --------------------------------------------------------------------------------------
def _put(sheet: Worksheet, row: int, column: int, value: Any, *, fmt: str = "") -> Cell:
    """Write one cell; text is always text (never a formula, whatever it starts with)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    if fmt:
        cell.number_format = fmt
    return cell


def _table(
    sheet: Worksheet,
    top: int,
    headers: list[str],
    rows: list[list[Any]],
    formats: dict[int, str] | None = None,
) -> int:
    """A table with a bold header row at `top`; returns the row after it."""
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        _put(sheet, top, column, header).font = bold
    for r, values in enumerate(rows, start=top + 1):
        for column, value in enumerate(values, start=1):
            _put(sheet, r, column, value, fmt=(formats or {}).get(column, ""))
    return top + len(rows) + 1


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _naive(moment: dt.datetime) -> dt.datetime:
    """Local time without a zone: spreadsheet dates have none."""
    return _local(moment).replace(tzinfo=None)


def report_xlsx(f: selectors.Filters, overview: selectors.Overview) -> bytes:
    """The overview as a workbook: totals, the time series, topics, provinces, keywords."""
    book = Workbook()
    summary = cast(Worksheet, book.active)
    summary.title = SHEETS[0]
    _put(summary, 1, 1, _("Public opinion report")).font = Font(bold=True, size=14)
    _put(summary, 2, 1, _("Generated at"))
    _put(summary, 2, 2, _naive(timezone.now()), fmt="DD/MM/YYYY HH:MM")
    row = 4
    for label, value in describe(f):
        _put(summary, row, 1, label).font = Font(bold=True)
        _put(summary, row, 2, value)
        row += 1
    row += 1
    row = _table(
        summary,
        row,
        [_("Figure"), _("Count"), pgettext("opinion", "Share")],
        [[label, count, share] for label, count, share in _totals(overview)],
        {3: "0.0%"},
    )
    row += 1
    _table(
        summary,
        row,
        [_("Source"), pgettext("opinion", "Mentions")],
        [[s.name, s.mentions] for s in overview.sources],
    )
    _widths(summary, [34, 40, 12])

    series = book.create_sheet(SHEETS[1])
    hourly = f.period == Period.HOUR
    _table(
        series,
        1,
        [
            _("Hour") if hourly else _("Day"),
            pgettext("opinion", "Mentions"),
            _("Positive"),
            _("Neutral"),
            _("Negative"),
        ],
        [
            [_naive(p.bucket), p.mentions, p.positive, p.neutral, p.negative]
            for p in overview.series
        ],
        {1: "DD/MM/YYYY HH:MM" if hourly else "DD/MM/YYYY"},
    )
    _widths(series, [18, 12, 12, 12, 12])

    topics = book.create_sheet(SHEETS[2])
    _table(
        topics,
        1,
        [
            _("Topic"),
            _("Keywords"),
            pgettext("opinion", "Mentions"),
            _("Previous period"),
            _("Negative share"),
        ],
        [
            [t.label, ", ".join(t.keywords), t.mentions, t.previous, t.negative_share]
            for t in overview.topics
        ],
        {5: "0.0%"},
    )
    _widths(topics, [40, 50, 12, 16, 16])

    provinces = book.create_sheet(SHEETS[3])
    _table(
        provinces,
        1,
        [_("Province or city"), pgettext("opinion", "Mentions"), _("Negative share")],
        [[p.province, p.mentions, p.negative_share] for p in overview.provinces],
        {3: "0.0%"},
    )
    _widths(provinces, [28, 12, 16])

    terms = book.create_sheet(SHEETS[4])
    _table(
        terms,
        1,
        [
            pgettext("opinion", "Type"),
            _("Term"),
            pgettext("opinion", "Mentions"),
            _("Negative share"),
        ],
        [[_("Keyword"), t.term, t.mentions, t.negative_share] for t in overview.keywords]
        + [[_("Named entity"), t.term, t.mentions, t.negative_share] for t in overview.entities],
        {4: "0.0%"},
    )
    _widths(terms, [18, 36, 12, 16])

    for sheet in book.worksheets[1:]:
        sheet.freeze_panes = "A2"
    for cell in summary["A"]:
        cell.alignment = Alignment(vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------------------------
@cache
def _fonts() -> tuple[str, str]:
    """Register DejaVu Serif (regular and bold) once: it has every Vietnamese letter."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSerif-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
    return FONT, FONT_BOLD


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    return {
        "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=18, leading=23),
        "h2": ParagraphStyle(
            "h2",
            fontName=FONT_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        ),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11),
        "head": ParagraphStyle("head", fontName=FONT_BOLD, fontSize=8.5, leading=11),
        "muted": ParagraphStyle(
            "muted", fontName=FONT, fontSize=8, leading=10, textColor=colors.HexColor("#4a5361")
        ),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _pdf_table(
    headers: list[str], rows: list[list[Any]], widths: list[float], st: dict[str, ParagraphStyle]
) -> Table:
    data = [[_p(h, st["head"]) for h in headers]]
    data += [[_p(v, st["cell"]) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _series_chart(f: selectors.Filters, ov: selectors.Overview, width: float) -> Drawing:
    """Stacked bars of positive, neutral and negative mentions per hour or day."""
    height = 62 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 28
    chart.width, chart.height = width - 40, height - 48
    points = ov.series or [selectors.Point(f.start)]
    chart.data = [
        [p.positive for p in points],
        [p.neutral for p in points],
        [p.negative for p in points],
    ]
    chart.categoryAxis.style = "stacked"
    every = max(1, len(points) // 12)
    label = "%d/%m %Hh" if f.period == Period.HOUR else "%d/%m"
    chart.categoryAxis.categoryNames = [
        _local(p.bucket).strftime(label) if i % every == 0 else "" for i, p in enumerate(points)
    ]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(points) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(points) > 12 else "n"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    peak = max((p.positive + p.neutral + p.negative for p in points), default=0)
    chart.valueAxis.valueStep = max(1, math.ceil(peak / 5))  # whole mentions only
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.barSpacing = 0
    chart.groupSpacing = 1 if len(points) > 30 else 3
    for index, colour in enumerate((POSITIVE, NEUTRAL, NEGATIVE)):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 34, height - 6
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 80
    legend.colorNamePairs = [
        (POSITIVE, _("Positive")),
        (NEUTRAL, _("Neutral")),
        (NEGATIVE, _("Negative")),
    ]
    drawing.add(legend)
    return drawing


def _sentiment_pie(ov: selectors.Overview) -> Drawing:
    """A pie of the sentiment shares, with a legend giving counts and per cents."""
    drawing = Drawing(170 * mm, 48 * mm)
    values = [ov.positive, ov.neutral, ov.negative]
    names = [_("Positive"), _("Neutral"), _("Negative")]
    if sum(values):
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 10, 8, 120, 120
        pie.data = values
        pie.labels = None
        pie.simpleLabels = True
        pie.slices.strokeColor = colors.white
        for index, colour in enumerate((POSITIVE, NEUTRAL, NEGATIVE)):
            pie.slices[index].fillColor = colour
        drawing.add(pie)
    else:
        drawing.add(String(10, 60, _("No mentions in this period."), fontName=FONT, fontSize=9))
    legend = Legend()
    legend.x, legend.y = 160, 100
    legend.fontName, legend.fontSize = FONT, 9
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colour, f"{name}: {count} ({_percent(_share(count, ov.total))})")
        for colour, name, count in zip((POSITIVE, NEUTRAL, NEGATIVE), names, values, strict=True)
    ]
    drawing.add(legend)
    return drawing


def report_pdf(f: selectors.Filters, overview: selectors.Overview) -> bytes:
    """The overview as an A4 report: filters, totals, the charts, top topics and provinces."""
    st = _styles()
    out = io.BytesIO()
    title = _("Public opinion report")
    generated = _local(timezone.now())
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="VCNET",
    )
    width = doc.width
    story: list[Any] = [
        _p(title, st["title"]),
        _p(_("Generated at %(time)s.") % {"time": f"{generated:%d/%m/%Y %H:%M}"}, st["muted"]),
        Spacer(1, 4 * mm),
    ]
    story.append(
        _pdf_table(
            [_("Filter"), _("Value")],
            [list(pair) for pair in describe(f)],
            [width * 0.3, width * 0.7],
            st,
        )
    )

    story.append(_p(_("Totals"), st["h2"]))
    change = overview.total - overview.previous_total
    rows: list[list[Any]] = [
        [label, count, _percent(share) if share is not None else ""]
        for label, count, share in _totals(overview)
    ]
    rows.insert(2, [_("Change from the previous period"), f"{change:+d}", ""])
    story.append(
        _pdf_table(
            [_("Figure"), _("Count"), pgettext("opinion", "Share")],
            rows,
            [width * 0.5, width * 0.25, width * 0.25],
            st,
        )
    )

    story.append(
        KeepTogether(
            [
                _p(_("Mentions over time"), st["h2"]),
                _series_chart(f, overview, width),
                _p(_("Sentiment"), st["h2"]),
                _sentiment_pie(overview),
            ]
        )
    )

    story.append(_p(_("Top topics"), st["h2"]))
    if overview.topics:
        story.append(
            _pdf_table(
                [
                    _("Topic"),
                    _("Keywords"),
                    pgettext("opinion", "Mentions"),
                    _("Previous period"),
                    _("Negative share"),
                ],
                [
                    [
                        t.label,
                        ", ".join(t.keywords),
                        t.mentions,
                        t.previous,
                        _percent(t.negative_share),
                    ]
                    for t in overview.topics
                ],
                [width * 0.28, width * 0.36, width * 0.12, width * 0.12, width * 0.12],
                st,
            )
        )
    else:
        story.append(_p(_("No topics in this period."), st["body"]))

    story.append(_p(_("Provinces and cities"), st["h2"]))
    if overview.provinces:
        story.append(
            _pdf_table(
                [_("Province or city"), pgettext("opinion", "Mentions"), _("Negative share")],
                [[p.province, p.mentions, _percent(p.negative_share)] for p in overview.provinces],
                [width * 0.5, width * 0.25, width * 0.25],
                st,
            )
        )
    else:
        story.append(_p(_("No province is named in this period."), st["body"]))

    if overview.keywords:
        story.append(_p(_("Top keywords"), st["h2"]))
        story.append(
            _pdf_table(
                [_("Term"), pgettext("opinion", "Mentions"), _("Negative share")],
                [[t.term, t.mentions, _percent(t.negative_share)] for t in overview.keywords],
                [width * 0.5, width * 0.25, width * 0.25],
                st,
            )
        )

    footer = _("Aggregate figures only: no individual is listed or scored.")

    def page(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#4a5361"))
        canvas.drawString(18 * mm, 9 * mm, f"VCNET · {title} · {footer}")
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, str(document.page))
        canvas.restoreState()

    doc.build(story, onFirstPage=page, onLaterPages=page)
    return out.getvalue()
