"""The analysts' pages under /opinion/: the dashboard, the drill-down to public items, the PDF
and XLSX reports, and the alerts.

Views parse the query string, call the selectors, and render. Every figure comes from
`selectors.overview` (the aggregate tables); only the drill-down and the few sample items per
topic read items, and never by author: items have none, and no parameter names one.
Every page is for analysts (`selectors.can_analyse`); others get the 403 page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import PermissionDeniedError
from vcnet.opinion import export as reports
from vcnet.opinion import selectors, services
from vcnet.opinion.forms import MINE, RANGE_PRESETS, FilterForm
from vcnet.opinion.models import Alert, AlertSubject, ItemKind, Period, Sentiment

PER_PAGE = 20
SAMPLES_PER_TOPIC = 3
FILTER_KEYS = ("range", "start", "end", "hour", "source", "topic", "province", "region", "kind")
SENTIMENTS = (Sentiment.POSITIVE, Sentiment.NEUTRAL, Sentiment.NEGATIVE)
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- Helpers -----------------------------------------------------------------------------------
def _analyst(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not selectors.can_analyse(user):
        raise PermissionDeniedError(gettext_lazy("Public-opinion monitoring is for analysts only."))
    return user


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _unit_province(user: User) -> str:
    """The province of the user's first unit ("" when none can be worked out)."""
    from vcnet.opinion.provinces import province_of_unit

    membership = user.memberships.select_related("unit").order_by("id").first()
    return province_of_unit(membership.unit) if membership is not None else ""


@dataclass
class Query:
    """The filters as the person chose them (`link`, echoed in links and the form) and as the
    selectors read them (`resolved`: the unit's province filled in for "my unit's province")."""

    link: dict[str, str]
    resolved: dict[str, str]
    region_unknown: bool = False

    def url(self, name: str, **extra: Any) -> str:
        """The URL `name` with these filters and `extra` (empty values left out)."""
        params = {**self.link, **{k: str(v) for k, v in extra.items() if v not in (None, "")}}
        query = urlencode(params)
        return reverse(name) + (f"?{query}" if query else "")


def _query(request: HttpRequest, user: User) -> Query:
    link = {k: request.GET.get(k, "").strip()[:100] for k in FILTER_KEYS}
    link = {k: v for k, v in link.items() if v}
    if link.get("range") in RANGE_PRESETS:  # a preset chosen in the form wins over stale dates
        link.pop("start", None)
        link.pop("end", None)
    resolved = dict(link)
    region_unknown = False
    if link.get("region") == MINE:
        link.pop("province", None)
        resolved.pop("province", None)
        province = _unit_province(user)
        if province:
            resolved["province"] = province
        else:
            region_unknown = True
    else:
        link.pop("region", None)
        resolved.pop("region", None)
    return Query(link=link, resolved=resolved, region_unknown=region_unknown)


def _filters(query: Query) -> selectors.Filters:
    return selectors.filters_from(query.resolved)


def _form(query: Query) -> FilterForm:
    initial: dict[str, Any] = dict(query.link)
    if not any(k in initial for k in ("range", "start", "end", "hour")):
        initial["range"] = selectors.DEFAULT_RANGE
    initial["region"] = query.link.get("region") == MINE
    return FilterForm(
        initial=initial,
        sources=selectors.source_choices(),
        topics=selectors.topic_choices(),
        provinces=_provinces(),
    )


def _provinces() -> tuple[str, ...]:
    from vcnet.opinion.provinces import PROVINCES

    return tuple(PROVINCES)


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class ItemView:
    """A public item with its sentiment and kind in words (never its author: it has none)."""

    row: selectors.ItemRow
    sentiment_label: str
    kind_label: str
    safe_url: str  # the item's address when it is a web address, else ""


def _present(rows: list[selectors.ItemRow]) -> list[ItemView]:
    sentiments = dict(Sentiment.choices)
    kinds = dict(ItemKind.choices)
    return [
        ItemView(
            row=row,
            sentiment_label=str(sentiments.get(row.sentiment, "")),
            kind_label=str(kinds.get(row.kind, "")),
            safe_url=row.url if row.url.startswith(("https://", "http://", "/")) else "",
        )
        for row in rows
    ]


def _change(current: int, previous: int) -> int | None:
    """The change from `previous` to `current` in per cent; None when there was nothing before."""
    return round(100 * (current - previous) / previous) if previous else None


# --- The dashboard -----------------------------------------------------------------------------
@dataclass
class TopicView:
    """A top topic as the dashboard draws it: its row, its trend and a few public items."""

    row: selectors.TopicRow
    change: int | None
    bar_now: int  # widths (per cent of the larger of the two periods) of the mini-trend bars
    bar_before: int
    samples: list[ItemView]
    url: str


def _topic_views(query: Query, f: selectors.Filters, ov: selectors.Overview) -> list[TopicView]:
    views = []
    for row in ov.topics:
        peak = max(row.mentions, row.previous, 1)
        views.append(
            TopicView(
                row=row,
                change=_change(row.mentions, row.previous),
                bar_now=_percent(row.mentions, peak),
                bar_before=_percent(row.previous, peak),
                samples=_present(
                    selectors.sample_items(
                        replace(f, topic_id=row.topic_id), limit=SAMPLES_PER_TOPIC
                    )
                ),
                url=query.url("opinion:items", topic=row.topic_id),
            )
        )
    return views


def _cloud(query: Query, rows: list[selectors.TermRow]) -> list[dict[str, Any]]:
    """Terms with a size from 1 to 5 by their mentions, in alphabetical order like a tag cloud."""
    peak = max((row.mentions for row in rows), default=1) or 1
    cloud = [
        {
            "term": row.term,
            "mentions": row.mentions,
            "negative": _percent(round(row.negative_share * 1000), 1000),
            "size": 1 + round(4 * row.mentions / peak),
            "url": query.url("opinion:items", term=row.term),
        }
        for row in rows
    ]
    return sorted(cloud, key=lambda t: str(t["term"]).casefold())


def _bucket_link(query: Query, f: selectors.Filters, bucket: dt.datetime) -> str:
    """The drill-down of one bucket of the series (an hour, or a local day)."""
    base = {k: v for k, v in query.link.items() if k not in ("range", "start", "end", "hour")}
    if f.period == Period.HOUR:
        base["hour"] = bucket.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
    else:
        day = _local(bucket).date().isoformat()
        base.update(start=day, end=day)
    return reverse("opinion:items") + "?" + urlencode(base)


def _chart_data(query: Query, f: selectors.Filters, ov: selectors.Overview) -> dict[str, Any]:
    hourly = f.period == Period.HOUR
    labels = {s.value: str(s.label) for s in SENTIMENTS}
    return {
        "labels": {
            **labels,
            "mentions": pgettext("opinion", "Mentions"),
            "negativeShare": _("Negative share"),
        },
        "period": f.period,
        "series": [
            {
                "label": _local(p.bucket).strftime("%d/%m %H:00" if hourly else "%d/%m"),
                "url": _bucket_link(query, f, p.bucket),
                "positive": p.positive,
                "neutral": p.neutral,
                "negative": p.negative,
            }
            for p in ov.series
        ],
        "sentiment": [
            {"key": s.value, "label": labels[s.value], "value": getattr(ov, s.value)}
            for s in SENTIMENTS
        ],
        "provinces": [
            {
                "label": row.province,
                "mentions": row.mentions,
                "negativeShare": round(100 * row.negative_share),
                "url": query.url("opinion:items", province=row.province, region=""),
            }
            for row in ov.provinces[:15]
        ],
        "itemsUrl": query.url("opinion:items"),
    }


def alert_evidence_url(alert: Alert) -> str:
    """The drill-down of an alert's hour, narrowed to its topic or its term."""
    params = {"hour": alert.hour.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")}
    if alert.subject == AlertSubject.TOPIC:
        params["topic"] = alert.key
    else:
        params["term"] = alert.key
    return reverse("opinion:items") + "?" + urlencode(params)


def _alert_rows(alerts: list[Alert]) -> list[dict[str, Any]]:
    return [{"alert": alert, "evidence": alert_evidence_url(alert)} for alert in alerts]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The overview for the chosen filters: figures, charts, topics, terms and recent alerts."""
    user = _analyst(request)
    query = _query(request, user)
    f = _filters(query)
    ov = selectors.overview(f)
    sentiment = [
        {
            "key": s.value,
            "label": s.label,
            "count": getattr(ov, s.value),
            "percent": _percent(getattr(ov, s.value), ov.total),
            "url": query.url("opinion:items", sentiment=s.value),
        }
        for s in SENTIMENTS
    ]
    context = {
        "form": _form(query),
        "query": query,
        "f": f,
        "summary": reports.describe(f),
        "ov": ov,
        "change": _change(ov.total, ov.previous_total),
        "difference": ov.total - ov.previous_total,
        "sentiment": sentiment,
        "topics": _topic_views(query, f, ov),
        "keywords": _cloud(query, ov.keywords),
        "entities": _cloud(query, ov.entities),
        "alerts": _alert_rows(selectors.alerts_recent(limit=8)),
        "data": _chart_data(query, f, ov),
        "items_url": query.url("opinion:items"),
        "export_pdf": _export_url(query, "pdf"),
        "export_xlsx": _export_url(query, "xlsx"),
        "hourly": f.period == Period.HOUR,
        "active": "dashboard",
    }
    return render(request, "opinion/dashboard.html", context)


def _export_url(query: Query, fmt: str) -> str:
    url = reverse("opinion:export", kwargs={"fmt": fmt})
    return url + ("?" + urlencode(query.link) if query.link else "")


# --- The drill-down ----------------------------------------------------------------------------
@login_required
@require_GET
def items(request: HttpRequest) -> HttpResponse:
    """Public items matching the filters (and a sentiment or a term), newest first, 20 at a time.

    There is deliberately no author filter: an `author` parameter is ignored like any unknown one.
    """
    user = _analyst(request)
    query = _query(request, user)
    f = _filters(query)
    sentiment = request.GET.get("sentiment", "")
    if sentiment not in Sentiment.values:
        sentiment = ""
    term = " ".join(request.GET.get("term", "").split())[:100]
    before_id = _int_or_none(request.GET.get("before_id"))
    rows = selectors.sample_items(
        f, sentiment=sentiment, term=term, limit=PER_PAGE + 1, before_id=before_id
    )
    more_url = ""
    if len(rows) > PER_PAGE:
        rows = rows[:PER_PAGE]
        more_url = query.url("opinion:items", sentiment=sentiment, term=term, before_id=rows[-1].id)
    context = {
        "rows": _present(rows),
        "more_url": more_url,
        "query": query,
        "f": f,
        "summary": reports.describe(f),
        "sentiment": sentiment,
        "sentiment_label": Sentiment(sentiment).label if sentiment else "",
        "term": term,
        "form": _form(query),
        "first_page": before_id is None,
        "first_url": query.url("opinion:items", sentiment=sentiment, term=term),
        "clear_url": query.url("opinion:items"),
        "dashboard_url": query.url("opinion:dashboard"),
        "active": "items",
    }
    if _htmx(request) and before_id is not None:
        return render(request, "opinion/_item_rows.html", context)
    return render(request, "opinion/items.html", context)


# --- Reports -----------------------------------------------------------------------------------
@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The overview for the chosen filters as a PDF report or an XLSX workbook, downloaded."""
    user = _analyst(request)
    if fmt not in FORMATS:
        raise Http404
    f = _filters(_query(request, user))
    ov = selectors.overview(f)
    content = reports.report_pdf(f, ov) if fmt == "pdf" else reports.report_xlsx(f, ov)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    filename = f"bao-cao-du-luan-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Alerts ------------------------------------------------------------------------------------
@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """Recent alerts (spikes and watchlist hits), each with its evidence and an acknowledge button."""
    _analyst(request)
    context = {"alerts": _alert_rows(selectors.alerts_recent(limit=100)), "active": "alerts"}
    return render(request, "opinion/alerts.html", context)


@login_required
@require_POST
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an alert as seen; htmx gets the alert redrawn, others go back where they were."""
    user = _analyst(request)
    alert = services.alert_acknowledge(user, pk)
    if _htmx(request):
        row = {"alert": alert, "evidence": alert_evidence_url(alert)}
        return render(request, "opinion/_alert.html", {"row": row})
    messages.success(request, _("The alert was marked as seen."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("opinion:alerts")
    return HttpResponseRedirect(target)
