"""What analysts read: sums over the aggregate tables, and public sample items.

Every figure here comes from `Marginal`, `Aggregate` and `TermAggregate`, so a dashboard reads
about as many rows as it draws whether there are a thousand items or millions; only
`sample_items` touches items, a handful at a time, and never by author (items have none).
Filters pick marginal rows (none, a kind, or one of topic, source and province) or, combined,
rows of the cube; keyword and entity figures honour the topic filter only (their table is kept
per topic and for all items).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.text import fold
from vcnet.opinion.aggregates import DAY, HOUR, day_of, hour_of, hour_rows_since, week_of
from vcnet.opinion.models import (
    Aggregate,
    Alert,
    Dimension,
    Item,
    ItemKind,
    ItemState,
    Marginal,
    Period,
    Sentiment,
    Source,
    TermAggregate,
    TermType,
    Topic,
)

RANGES = {
    "24h": dt.timedelta(hours=24),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
    "90d": dt.timedelta(days=90),
}
DEFAULT_RANGE = "7d"
MAX_SPAN = dt.timedelta(days=400)
HOURLY_UP_TO = dt.timedelta(days=3)


def can_analyse(user: User | None) -> bool:
    """Analysts (an analyst role in any unit) and superusers read the monitoring."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from vcnet.accounts.models import Role
    from vcnet.accounts.selectors import has_role

    return has_role(user, Role.ANALYST)


@dataclass(frozen=True)
class Filters:
    start: dt.datetime
    end: dt.datetime
    period: str = Period.DAY
    source_id: int | None = None
    topic_id: int | None = None
    province: str = ""
    kind: str = ""

    @property
    def span(self) -> dt.timedelta:
        return self.end - self.start

    def previous(self) -> Filters:
        """The same filters over the period of the same length just before."""
        return Filters(
            self.start - self.span,
            self.start,
            self.period,
            self.source_id,
            self.topic_id,
            self.province,
            self.kind,
        )


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def filters_from(params: Mapping[str, str], *, now: dt.datetime | None = None) -> Filters:
    """Filters from a query string; values that do not parse fall back to the defaults.

    `hour` (an ISO time, e.g. 2026-11-28T09:00Z) selects one hour (an alert's evidence; its
    local day once the hour rows are pruned); otherwise `start`/`end` (local dates, both included) or `range` (24h, 7d, 30d, 90d).
    """
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    start = end = None
    hour_text = (params.get("hour") or "").strip().replace("Z", "+00:00")
    if hour_text:
        try:
            moment = dt.datetime.fromisoformat(hour_text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            start = hour_of(moment)
            end = start + HOUR
        except ValueError:
            start = end = None
    if start is None:
        first, last = _date(params.get("start")), _date(params.get("end"))
        if first and last and first <= last:
            start = dt.datetime.combine(first, dt.time(), zone)
            end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)
            if end - start > MAX_SPAN:
                start = end - MAX_SPAN
        else:
            span = RANGES.get(params.get("range") or "", RANGES[DEFAULT_RANGE])
            end = hour_of(now) + HOUR
            start = end - span if span <= HOURLY_UP_TO else day_of(end - span)
    if start is None or end is None:  # unreachable: each branch above sets both
        raise ValueError("no period")
    # Short periods read hour rows, as long as those are kept (`aggregates.prune`).
    hourly = end - start <= HOURLY_UP_TO and start >= hour_rows_since(now)
    period = Period.HOUR if hourly else Period.DAY
    if period == Period.DAY:
        start, end = day_of(start), day_of(end - dt.timedelta(microseconds=1)) + DAY
    kind = params.get("kind") or ""
    province = (params.get("province") or "").strip()
    if province:
        from vcnet.opinion.provinces import canonical

        province = canonical(province)
    return Filters(
        start=start.astimezone(dt.UTC),
        end=end.astimezone(dt.UTC),
        period=period,
        source_id=_int(params.get("source")),
        topic_id=_int(params.get("topic")),
        province=province,
        kind=kind if kind in ItemKind.values else "",
    )


@dataclass
class Point:
    bucket: dt.datetime
    mentions: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0


@dataclass
class TopicRow:
    topic_id: int
    label: str
    keywords: list[str]
    mentions: int
    negative_share: float
    previous: int


@dataclass
class ProvinceRow:
    province: str
    mentions: int
    negative_share: float


@dataclass
class SourceRow:
    source_id: int
    name: str
    kind: str
    mentions: int


@dataclass
class TermRow:
    term: str
    mentions: int
    negative_share: float


@dataclass
class Overview:
    filters: Filters
    total: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    previous_total: int = 0
    series: list[Point] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)
    provinces: list[ProvinceRow] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    keywords: list[TermRow] = field(default_factory=list)
    entities: list[TermRow] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0


def _cube(
    f: Filters, *, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[Aggregate]:
    rows = Aggregate.objects.filter(
        period=f.period, bucket__gte=start or f.start, bucket__lt=end or f.end
    )
    if f.topic_id:
        rows = rows.filter(topic_id=f.topic_id)
    if f.source_id:
        rows = rows.filter(source_id=f.source_id)
    if f.province:
        rows = rows.filter(province=f.province)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    return rows.order_by()


_CUBE_FIELD: dict[str, str] = {
    Dimension.TOPIC: "topic_id",
    Dimension.SOURCE: "source_id",
    Dimension.PROVINCE: "province",
}
_NOTHING: dict[str, Any] = {Dimension.TOPIC: 0, Dimension.PROVINCE: ""}  # left out of rankings
_SUMS = {
    "m": Sum("mentions"),
    "p": Sum("positive"),
    "n": Sum("neutral"),
    "neg": Sum("negative"),
}


class _Sums:
    """The sums behind one dashboard: from `Marginal` rows where the filters allow (none, a
    kind, or one of topic, source and province), from the cube otherwise."""

    def __init__(self, f: Filters) -> None:
        self.f = f
        by = [
            (dim, str(value))
            for dim, value in (
                (Dimension.TOPIC, f.topic_id),
                (Dimension.SOURCE, f.source_id),
                (Dimension.PROVINCE, f.province),
            )
            if value
        ]
        self.slice: dict[str, str] | None = None
        if not by:
            self.slice = {"kind": f.kind, "filter_dim": "", "filter_value": ""}
        elif len(by) == 1 and not f.kind:
            self.slice = {"kind": "", "filter_dim": by[0][0], "filter_value": by[0][1]}

    def _rows(self, dim: str, previous: bool = False) -> QuerySet[Any]:
        f = self.f.previous() if previous else self.f
        if self.slice is not None:
            return Marginal.objects.filter(
                period=f.period, bucket__gte=f.start, bucket__lt=f.end, dim=dim, **self.slice
            ).order_by()
        return _cube(f)

    def total(self, *, previous: bool = False) -> dict[str, int]:
        sums = self._rows(Dimension.NONE, previous).aggregate(**_SUMS)
        return {k: v or 0 for k, v in sums.items()}

    def series(self) -> list[dict[str, Any]]:
        return list(self._rows(Dimension.NONE).values("bucket").annotate(**_SUMS))

    def grouped(
        self,
        dim: str,
        *,
        limit: int | None = None,
        only: list[Any] | None = None,
        previous: bool = False,
    ) -> list[tuple[Any, int, int]]:
        """(key, mentions, negative) per value of `dim`, most mentioned first; "no topic" and
        "no province" are left out."""
        numeric = dim in (Dimension.TOPIC, Dimension.SOURCE)
        if self.slice is not None and self.slice["filter_dim"] == dim:  # the filtered value alone
            key = int(self.slice["filter_value"]) if numeric else self.slice["filter_value"]
            total = self.total(previous=previous)
            if not total["m"] or (only is not None and key not in only):
                return []
            return [(key, total["m"], total["neg"])]
        rows = self._rows(dim, previous)
        field = "value" if self.slice is not None else _CUBE_FIELD[dim]
        cast = str if field == "value" else (lambda key: key)
        if dim in _NOTHING:
            rows = rows.exclude(**{field: cast(_NOTHING[dim])})
        if only is not None:
            rows = rows.filter(**{f"{field}__in": [cast(k) for k in only]})
        grouped = rows.values(field).annotate(m=Sum("mentions"), neg=Sum("negative"))
        grouped = grouped.order_by("-m", field)
        if limit is not None:
            grouped = grouped[:limit]
        return [(int(r[field]) if numeric else r[field], r["m"], r["neg"]) for r in grouped]


def _term_rows(f: Filters) -> Q:
    """The term rows that add up to `f`'s period: weeks inside it, days at its edges."""
    if f.period != Period.DAY:
        return Q(period=f.period, bucket__gte=f.start, bucket__lt=f.end)
    zone = ZoneInfo(settings.TIME_ZONE)
    start, end = f.start.astimezone(zone), f.end.astimezone(zone)
    first_week = week_of(start)
    if first_week < start:
        first_week += dt.timedelta(days=7)
    last_week = week_of(end)
    if last_week <= first_week:
        return Q(period=Period.DAY, bucket__gte=f.start, bucket__lt=f.end)
    return (
        Q(period=Period.WEEK, bucket__gte=first_week, bucket__lt=last_week)
        | Q(period=Period.DAY, bucket__gte=f.start, bucket__lt=first_week)
        | Q(period=Period.DAY, bucket__gte=last_week, bucket__lt=f.end)
    )


def _terms(f: Filters, term_type: str, limit: int) -> list[TermRow]:
    rows = TermAggregate.objects.filter(
        _term_rows(f), term_type=term_type, topic_id=f.topic_id or 0
    )
    grouped = (
        rows.order_by()
        .values("folded")
        .annotate(m=Sum("mentions"), n=Sum("negative"))
        .order_by("-m", "folded")[:limit]
    )
    top = list(grouped)
    spelling = dict(
        rows.filter(folded__in=[r["folded"] for r in top]).values_list("folded", "term")
    )
    return [
        TermRow(spelling.get(r["folded"], r["folded"]), r["m"], r["n"] / r["m"] if r["m"] else 0)
        for r in top
    ]


def buckets(f: Filters) -> list[dt.datetime]:
    step = HOUR if f.period == Period.HOUR else DAY
    out, moment = [], f.start
    zone = ZoneInfo(settings.TIME_ZONE)
    while moment < f.end:
        out.append(moment)
        if f.period == Period.HOUR:
            moment = moment + step
        else:  # local midnights (a fixed +07:00 today, but do not assume it)
            local = moment.astimezone(zone)
            moment = (local + DAY).replace(hour=0).astimezone(dt.UTC)
    return out


def overview(f: Filters) -> Overview:
    """Everything the dashboard shows for `f`, from the aggregate tables."""
    result = Overview(filters=f)
    sums = _Sums(f)
    result.previous_total = sums.total(previous=True)["m"]
    points = {b: Point(b) for b in buckets(f)}
    for row in sums.series():
        bucket = row["bucket"].astimezone(dt.UTC)
        point = points.setdefault(bucket, Point(bucket))
        point.mentions, point.positive, point.neutral, point.negative = (
            row["m"],
            row["p"],
            row["n"],
            row["neg"],
        )
    result.series = [points[b] for b in sorted(points)]
    # The period's totals are the sums of its series.
    result.total = sum(p.mentions for p in result.series)
    result.positive = sum(p.positive for p in result.series)
    result.neutral = sum(p.neutral for p in result.series)
    result.negative = sum(p.negative for p in result.series)

    topic_rows = sums.grouped(Dimension.TOPIC, limit=10)
    previous = {
        key: m
        for key, m, _neg in sums.grouped(
            Dimension.TOPIC, only=[key for key, _m, _n in topic_rows], previous=True
        )
    }
    topics = Topic.objects.in_bulk([key for key, _m, _n in topic_rows])
    result.topics = [
        TopicRow(
            topic_id=key,
            label=topics[key].label if key in topics else "—",
            keywords=list(topics[key].keywords[:6]) if key in topics else [],
            mentions=m,
            negative_share=neg / m if m else 0.0,
            previous=previous.get(key, 0),
        )
        for key, m, neg in topic_rows
    ]
    result.provinces = [
        ProvinceRow(key, m, neg / m if m else 0.0)
        for key, m, neg in sums.grouped(Dimension.PROVINCE)
    ]
    source_rows = sums.grouped(Dimension.SOURCE, limit=10)
    sources = Source.objects.in_bulk([key for key, _m, _n in source_rows])
    result.sources = [
        SourceRow(
            key,
            sources[key].name if key in sources else "—",
            sources[key].kind if key in sources else "",
            m,
        )
        for key, m, _neg in source_rows
    ]
    result.keywords = _terms(f, TermType.KEYWORD, 20)
    result.entities = _terms(f, TermType.ENTITY, 20)
    return result


@dataclass
class ItemRow:
    id: int
    kind: str
    title: str
    excerpt: str
    url: str
    source_name: str
    published_at: dt.datetime
    province: str
    sentiment: str
    topic_label: str


EXCERPT = 300


def sample_items(
    f: Filters,
    *,
    sentiment: str = "",
    term: str = "",
    limit: int = 5,
    before_id: int | None = None,
) -> list[ItemRow]:
    """Public items matching the filters, newest first: content, never who wrote it."""
    items = Item.objects.filter(
        state=ItemState.DONE, published_at__gte=f.start, published_at__lt=f.end
    )
    if f.topic_id:
        items = items.filter(topic_id=f.topic_id)
    if f.source_id:
        items = items.filter(source_id=f.source_id)
    if f.province:
        items = items.filter(province=f.province)
    if f.kind:
        items = items.filter(kind=f.kind)
    if sentiment in Sentiment.values:
        items = items.filter(sentiment=sentiment)
    folded = " ".join(fold(term).split())
    if folded:
        items = items.filter(folded__contains=folded)
    if before_id:  # the cursor: the last item shown; newest first, ties by id
        last = Item.objects.filter(pk=before_id).values_list("published_at", flat=True).first()
        if last is not None:
            items = items.filter(Q(published_at__lt=last) | Q(published_at=last, id__lt=before_id))
    rows = items.order_by("-published_at", "-id").values(
        "id",
        "kind",
        "title",
        "text",
        "url",
        "source__name",
        "published_at",
        "province",
        "sentiment",
        "topic__label",
    )[: max(1, min(limit, 100))]
    return [
        ItemRow(
            id=r["id"],
            kind=r["kind"],
            title=r["title"],
            excerpt=_excerpt(r["text"]),
            url=r["url"],
            source_name=r["source__name"],
            published_at=r["published_at"],
            province=r["province"],
            sentiment=r["sentiment"],
            topic_label=r["topic__label"] or "",
        )
        for r in rows
    ]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT:
        return text
    return text[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"


def topic_choices() -> list[tuple[int, str]]:
    return list(Topic.objects.filter(active=True).order_by("label").values_list("id", "label"))


def source_choices() -> list[tuple[int, str]]:
    return list(Source.objects.order_by("kind", "name").values_list("id", "name"))


def alerts_recent(limit: int = 20) -> list[Alert]:
    return list(Alert.objects.select_related("watchlist", "acknowledged_by")[:limit])


def sources_status() -> QuerySet[Source]:
    """Every source with its fetch status, for administrators."""
    return Source.objects.order_by("kind", "name")


def pending_count() -> int:
    return Item.objects.filter(state__in=(ItemState.NEW, ItemState.RUNNING)).count()


__all__ = [
    "Filters",
    "ItemRow",
    "Overview",
    "Point",
    "alerts_recent",
    "can_analyse",
    "filters_from",
    "overview",
    "sample_items",
    "source_choices",
    "topic_choices",
]
