"""The public transparency pages: one month's moderation numbers as bars, with a month picker."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vcnet.moderation import transparency

MONTH_FIELD = re.compile(r"^(\d{4})-(\d{1,2})$")


def _chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of one bar chart with the scale they share (the largest count, at least 1)."""
    return {"rows": rows, "max": max((row["count"] for row in rows), default=0) or 1}


def _totals(report: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers as one chart, so they can be compared at a glance."""
    rows = [
        {"key": "reports", "label": _("Reports received"), "count": report["reports"]["total"]},
        {"key": "cases", "label": _("Cases opened"), "count": report["cases"]["opened"]},
        {"key": "actions", "label": _("Moderator decisions"), "count": report["actions"]["total"]},
        {"key": "reversals", "label": _("Decisions reversed"), "count": report["reversals"]},
        {"key": "appeals", "label": _("Appeals received"), "count": report["appeals"]["received"]},
        {"key": "notes", "label": _("Context notes written"), "count": report["notes"]["written"]},
        {
            "key": "clarifications",
            "label": _("Official clarifications published"),
            "count": report["clarifications"]["published"],
        },
    ]
    return _chart(rows)


def _month_link(year: int, month: int) -> dict[str, Any] | None:
    if year < transparency.FIRST_YEAR:
        return None
    return {"year": year, "month": month, "date": dt.date(year, month, 1)}


@require_GET
def transparency_index(request: HttpRequest) -> HttpResponse:
    """The current month's report; `?m=YYYY-MM` (the month picker) goes to that month's page."""
    picked = MONTH_FIELD.match(request.GET.get("m", "").strip())
    if picked:
        return redirect("moderation:transparency_month", int(picked[1]), int(picked[2]))
    year, month = transparency.current_month()
    return _page(request, year, month)


@require_GET
def transparency_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """One month's report (400 for a month that does not exist, 404 for one not begun)."""
    return _page(request, year, month)


def _page(request: HttpRequest, year: int, month: int) -> HttpResponse:
    report = transparency.monthly_report(year, month)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    appeals = report["appeals"]
    notes = report["notes"]
    context = {
        "report": report,
        "totals": _totals(report),
        "reasons": _chart(report["reports"]["by_reason"]),
        "sources": _chart(report["cases"]["by_source"]),
        "kinds": _chart(report["actions"]["by_kind"]),
        "policies": _chart(report["actions"]["by_policy"]),
        "appeal_chart": _chart(
            [
                {"key": "upheld", "label": _("Action upheld"), "count": appeals["upheld"]},
                {
                    "key": "overturned",
                    "label": _("Action overturned"),
                    "count": appeals["overturned"],
                },
                {"key": "pending", "label": _("Still waiting"), "count": appeals["pending"]},
            ]
        ),
        "note_chart": _chart(
            [
                {"key": "shown", "label": _("Shown under the post"), "count": notes["shown"]},
                {
                    "key": "not_helpful",
                    "label": _("Rated not helpful"),
                    "count": notes["not_helpful"],
                },
            ]
        ),
        "months": [
            {"year": y, "month": m, "date": dt.date(y, m, 1), "current": (y, m) == (year, month)}
            for y, m in transparency.recent_months(12)
        ],
        "previous": _month_link(*previous),
        "following": None if not report["complete"] else _month_link(*following),
        "picked": f"{year:04d}-{month:02d}",
    }
    return render(request, "moderation/transparency.html", context)
