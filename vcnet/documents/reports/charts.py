"""Charts as inline SVG, drawn on the server: no JavaScript, readable by screen readers.

Each chart has a `<title>` and a `<desc>` (referenced by `aria-labelledby`) that say in words
what the picture shows, and each bar or slice its own `<title>` for the tooltip.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from itertools import count
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PRIMARY = "#a51d24"
SECONDARY = "#1f5fa8"
SUCCESS = "#1d7a36"
DANGER = "#b3261e"
MUTED = "#6b6b6b"
_ids = count(1)


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _frame(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="chart" '
        f'aria-labelledby="chart-t{n} chart-d{n}" font-family="sans-serif" font-size="11">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def daily_chart_svg(
    series: Sequence[tuple[dt.date, int, int]], *, width: int = 720, height: int = 240
) -> SafeString:
    """Grouped bars of documents received and issued per day (weeks when the period is long)."""
    points = list(series)
    if len(points) > 62:  # more than two months: one bar pair per week reads better
        weekly: list[tuple[dt.date, int, int]] = []
        for start in range(0, len(points), 7):
            chunk = points[start : start + 7]
            weekly.append((chunk[0][0], sum(p[1] for p in chunk), sum(p[2] for p in chunk)))
        points = weekly
    total_in = sum(p[1] for p in points)
    total_out = sum(p[2] for p in points)
    title = _("Documents received and issued")
    if points:
        desc = _(
            "From %(start)s to %(end)s: %(received)s received and %(issued)s issued in all."
        ) % {
            "start": points[0][0].strftime("%d/%m/%Y"),
            "end": points[-1][0].strftime("%d/%m/%Y"),
            "received": total_in,
            "issued": total_out,
        }
    else:
        desc = _("No data for this period.")
    left, right, top, bottom = 40, 10, 24, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max([max(p[1], p[2]) for p in points] or [0]))
    body = [
        f'<rect x="{left}" y="{top}" width="12" height="10" fill="{PRIMARY}"/>',
        f'<text x="{left + 16}" y="{top - 4 + 12}">{escape(_("Received"))}</text>',
        f'<rect x="{left + 110}" y="{top}" width="12" height="10" fill="{SECONDARY}"/>',
        f'<text x="{left + 126}" y="{top - 4 + 12}">{escape(_("Issued"))}</text>',
    ]
    for i in range(5):
        value = peak * i // 4
        y = top + plot_h - plot_h * i / 4
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{value}</text>'
        )
    if points:
        slot = plot_w / len(points)
        bar = max(1.0, slot * 0.4)
        label_every = max(1, math.ceil(len(points) / 10))
        for i, (day, received, issued) in enumerate(points):
            x = left + i * slot + slot * 0.1
            for j, (value, colour, label) in enumerate(
                ((received, PRIMARY, _("received")), (issued, SECONDARY, _("issued")))
            ):
                h = plot_h * value / peak
                tip = f"{day.strftime('%d/%m/%Y')}: {value} {label}"
                body.append(
                    f'<rect x="{x + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>'
                )
            if i % label_every == 0:
                body.append(
                    f'<text x="{x + bar:.1f}" y="{height - 10}" text-anchor="middle" '
                    f'fill="{MUTED}">{day.strftime("%d/%m")}</text>'
                )
    return _frame(width, height, title, desc, body)


def on_time_donut_svg(
    on_time: int, late: int, open_overdue: int = 0, *, size: int = 200
) -> SafeString:
    """A donut of documents completed on time, completed late and still open past the deadline."""
    parts = [
        (on_time, SUCCESS, _("Completed on time")),
        (late, DANGER, _("Completed late")),
        (open_overdue, "#d08a00", _("Open and overdue")),
    ]
    total = sum(p[0] for p in parts)
    title = _("Handling on time")
    desc = "; ".join(f"{label}: {value}" for value, _c, label in parts) + "."
    r, cx, cy, stroke = 70, size / 2, size / 2, 26
    body = []
    if total == 0:
        body.append(
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#ddd" stroke-width="{stroke}"/>'
        )
    else:
        circumference = 2 * math.pi * r
        offset = 0.0
        for value, colour, label in parts:
            if not value:
                continue
            length = circumference * value / total
            body.append(
                f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{colour}" '
                f'stroke-width="{stroke}" stroke-dasharray="{length:.2f} {circumference:.2f}" '
                f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx} {cy})">'
                f"<title>{escape(label)}: {value} ({100 * value / total:.0f}%)</title></circle>"
            )
            offset += length
    share = f"{100 * on_time / (on_time + late):.0f}%" if on_time + late else "-"
    body.append(
        f'<text x="{cx}" y="{cy + 6}" text-anchor="middle" font-size="22" font-weight="bold">'
        f"{share}</text>"
    )
    return _frame(size, size, title, desc, body)


def bar_chart_svg(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    colour: str = PRIMARY,
) -> SafeString:
    """Horizontal bars with their labels and values (counts by type, paper against electronic)."""
    rows = list(items)
    bar_h, gap, label_w = 18, 8, 170
    height = max(40, len(rows) * (bar_h + gap) + gap)
    peak = max([v for _l, v in rows] or [0]) or 1
    desc = "; ".join(f"{label}: {value:g}{unit}" for label, value in rows) + "."
    body = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = (width - label_w - 70) * value / peak
        short = label if len(label) <= 28 else label[:27] + "…"
        body.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
            f"<title>{escape(label)}: {value:g}{escape(unit)}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}">{value:g}{escape(unit)}</text>'
        )
    return _frame(width, height, title, desc, body)
