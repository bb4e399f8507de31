"""Pages of the reports: the statistics dashboard and its exports, the printable registers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vcnet.accounts.models import Unit
from vcnet.core.errors import DomainError, PermissionDeniedError
from vcnet.documents.models import Register
from vcnet.documents.reports import (
    bar_chart_svg,
    daily_chart_svg,
    export_record,
    on_time_donut_svg,
    register_for_print,
    register_pdf,
    register_years,
    stats_pdf,
    stats_xlsx,
)
from vcnet.documents.reports.exports import unit_headers, unit_row
from vcnet.documents.stats import Stats, stats_compute, stats_units_for
from vcnet.documents.views._common import user_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatsFilterForm(forms.Form):
    """Unit and period of the statistics."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    children = forms.BooleanField(label=gettext_lazy("Include the units below"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


def _stats_from_request(request: HttpRequest) -> tuple[StatsFilterForm, Stats]:
    user = user_of(request)
    units = stats_units_for(user)
    first = units.first()
    if first is None:
        raise PermissionDeniedError(_("Only leaders and clerks of a unit may see its statistics."))
    today = timezone.localdate()
    data = request.GET.copy()
    if "unit" not in data:
        data.update({"unit": str(first.pk), "children": "on"})
    form = StatsFilterForm(data, units=units)
    if not form.is_valid():
        raise DomainError(_("The filter is not valid: pick a unit and dates as dd/mm/yyyy."))
    stats = stats_compute(
        user,
        unit=form.cleaned_data["unit"] or first,
        date_from=form.cleaned_data["date_from"] or today.replace(month=1, day=1),
        date_to=form.cleaned_data["date_to"] or today,
        include_children=form.cleaned_data["children"],
        today=today,
    )
    return form, stats


def _query(stats: Stats) -> str:
    return urlencode(
        {
            "unit": stats.unit.pk,
            "date_from": stats.date_from.isoformat(),
            "date_to": stats.date_to.isoformat(),
            **({"children": "on"} if stats.include_children else {}),
        }
    )


@login_required
def stats_dashboard(request: HttpRequest) -> HttpResponse:
    """The statistics of a unit and period: figures, charts, the paper comparison, exports."""
    form, stats = _stats_from_request(request)
    paper = stats.paper
    comparison = []
    if paper.handling_days is not None:
        comparison.append(
            bar_chart_svg(
                [(_("On paper"), paper.paper_handling_days), (_("In VCNET"), paper.handling_days)],
                title=_("Average handling time (days)"),
                unit=" " + _("days"),
            )
        )
    if paper.circulation_hours is not None:
        comparison.append(
            bar_chart_svg(
                [
                    (_("On paper"), paper.paper_circulation_hours),
                    (_("In VCNET"), paper.circulation_hours),
                ],
                title=_("Circulation time (hours)"),
                unit=" h",
            )
        )
    context = {
        "form": form,
        "stats": stats,
        "query": _query(stats),
        "headers": unit_headers(),
        "rows": [unit_row(row) for row in stats.units],
        "total_row": unit_row(stats.total),
        "daily_chart": daily_chart_svg(stats.daily),
        "donut": on_time_donut_svg(stats.total.on_time, stats.total.late, stats.total.open_overdue),
        "type_chart": bar_chart_svg(stats.by_type[:10], title=_("Documents by type")),
        "comparison": comparison,
    }
    return render(request, "documents/reports/stats.html", context)


def _filename(stats: Stats, ext: str) -> str:
    return f"thong-ke-{stats.unit.code}-{stats.date_from:%Y%m%d}-{stats.date_to:%Y%m%d}.{ext}"


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, stats = _stats_from_request(request)
    if kind == "xlsx":
        body, content_type = stats_xlsx(stats), XLSX
    else:
        body, content_type = stats_pdf(stats), "application/pdf"
    export_record(
        actor=user_of(request),
        what=f"stats.{kind}",
        obj=stats.unit,
        data={
            "from": stats.date_from.isoformat(),
            "to": stats.date_to.isoformat(),
            "children": stats.include_children,
        },
        request=request,
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(stats, kind)}"'
    return response


@login_required
def stats_export_xlsx(request: HttpRequest) -> HttpResponse:
    """The statistics as a spreadsheet."""
    return _export(request, "xlsx")


@login_required
def stats_export_pdf(request: HttpRequest) -> HttpResponse:
    """The statistics as a PDF."""
    return _export(request, "pdf")


@login_required
def registers(request: HttpRequest) -> HttpResponse:
    """The registers the user may print, each with the years that have numbered documents."""
    user = user_of(request)
    units = stats_units_for(user)
    if not units.exists():
        raise PermissionDeniedError(_("Only leaders and clerks of a unit may print its registers."))
    current = timezone.localdate().year
    items = []
    for register in (
        Register.objects.filter(unit__in=units).select_related("unit").order_by("unit__path")
    ):
        years = register_years(register) or [current]
        items.append((register, years))
    return render(request, "documents/reports/registers.html", {"items": items})


@login_required
def register_download(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """One register's year as a PDF for printing and binding."""
    user = user_of(request)
    register = register_for_print(user, pk)
    if not 1900 <= year <= dt.date.today().year + 1:  # noqa: DTZ011 - a sanity bound only
        raise DomainError(_("There is no register for that year."))
    body = register_pdf(register, year)
    export_record(
        actor=user,
        what="register.pdf",
        obj=register,
        data={"year": year},
        request=request,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="so-{register.direction}-{register.unit.code}-{year}.pdf"'
    )
    return response
