"""The aggregate tables the dashboards read, rebuilt per hour from the analysed items.

An hour's rows are recomputed whole from the items published in that hour (one GROUP BY for
the cube, one pass over the keywords), then each touched local day is re-summed from its 24
hour rows. Rebuilding rather than incrementing keeps the counts right when items arrive late,
are analysed twice, move to a new topic or are deleted, and costs one hour's items at a time.
Day buckets start at local midnight (`TIME_ZONE`, Asia/Ho_Chi_Minh), as people read days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum

from vcnet.core.text import fold
from vcnet.opinion.models import (
    Aggregate,
    Item,
    ItemState,
    Period,
    Sentiment,
    TermAggregate,
    TermType,
)

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def hour_of(moment: dt.datetime) -> dt.datetime:
    """The start of the UTC hour holding `moment`."""
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def day_of(moment: dt.datetime) -> dt.datetime:
    """The start of the local day holding `moment`, as an aware datetime."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def rebuild(hours: Iterable[dt.datetime]) -> int:
    """Recompute the hour rows of `hours` and the day rows of their days; returns the hours."""
    touched = sorted({hour_of(h) for h in hours})
    for hour in touched:
        with transaction.atomic():
            _rebuild_hour(hour)
    for day in sorted({day_of(h) for h in touched}):
        with transaction.atomic():
            _rebuild_day(day)
    return len(touched)


def _rebuild_hour(hour: dt.datetime) -> None:
    items = Item.objects.filter(
        state=ItemState.DONE, published_at__gte=hour, published_at__lt=hour + HOUR
    )
    cube = (
        items.order_by()
        .values("topic_id", "source_id", "province", "kind")
        .annotate(
            mentions=Count("id"),
            positive=Count("id", filter=Q(sentiment=Sentiment.POSITIVE)),
            neutral=Count("id", filter=Q(sentiment=Sentiment.NEUTRAL)),
            negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
        )
    )
    Aggregate.objects.filter(period=Period.HOUR, bucket=hour).delete()
    Aggregate.objects.bulk_create(
        [
            Aggregate(
                period=Period.HOUR,
                bucket=hour,
                topic_id=row["topic_id"] or 0,
                source_id=row["source_id"],
                province=row["province"],
                kind=row["kind"],
                mentions=row["mentions"],
                positive=row["positive"],
                neutral=row["neutral"],
                negative=row["negative"],
            )
            for row in cube
        ]
    )
    TermAggregate.objects.filter(period=Period.HOUR, bucket=hour).delete()
    TermAggregate.objects.bulk_create(_term_rows(items, hour), batch_size=1000)


def _term_rows(items: Iterable[Item], hour: dt.datetime) -> list[TermAggregate]:
    mentions: Counter[tuple[str, str, int]] = Counter()
    negative: Counter[tuple[str, str, int]] = Counter()
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    rows = items.values_list("topic_id", "sentiment", "keywords", "entities")  # type: ignore[attr-defined]
    for topic_id, sentiment, keywords, entities in rows.iterator(chunk_size=2000):
        terms = {(TermType.KEYWORD.value, k) for k in keywords or [] if k}
        terms |= {(TermType.ENTITY.value, e["text"]) for e in entities or [] if e.get("text")}
        seen: set[tuple[str, str]] = set()
        for term_type, term in terms:
            folded = fold(term)[:200]
            if not folded or (term_type, folded) in seen:
                continue
            seen.add((term_type, folded))
            key = (term_type, folded, topic_id or 0)
            mentions[key] += 1
            if sentiment == Sentiment.NEGATIVE:
                negative[key] += 1
            spellings[(term_type, folded)][term[:200]] += 1
    return [
        TermAggregate(
            period=Period.HOUR,
            bucket=hour,
            term_type=term_type,
            term=spellings[(term_type, folded)].most_common(1)[0][0],
            folded=folded,
            topic_id=topic_id,
            mentions=count,
            negative=negative[(term_type, folded, topic_id)],
        )
        for (term_type, folded, topic_id), count in mentions.items()
    ]


def _rebuild_day(day: dt.datetime) -> None:
    span = Q(period=Period.HOUR, bucket__gte=day, bucket__lt=day + DAY)
    cube = (
        Aggregate.objects.filter(span)
        .order_by()
        .values("topic_id", "source_id", "province", "kind")
        .annotate(m=Sum("mentions"), p=Sum("positive"), n=Sum("neutral"), neg=Sum("negative"))
    )
    Aggregate.objects.filter(period=Period.DAY, bucket=day).delete()
    Aggregate.objects.bulk_create(
        [
            Aggregate(
                period=Period.DAY,
                bucket=day,
                topic_id=row["topic_id"],
                source_id=row["source_id"],
                province=row["province"],
                kind=row["kind"],
                mentions=row["m"],
                positive=row["p"],
                neutral=row["n"],
                negative=row["neg"],
            )
            for row in cube
        ]
    )
    terms = (
        TermAggregate.objects.filter(span)
        .order_by()
        .values("term_type", "folded", "topic_id")
        .annotate(m=Sum("mentions"), neg=Sum("negative"))
    )
    spelling = dict(
        TermAggregate.objects.filter(span).order_by("bucket").values_list("folded", "term")
    )
    TermAggregate.objects.filter(period=Period.DAY, bucket=day).delete()
    TermAggregate.objects.bulk_create(
        [
            TermAggregate(
                period=Period.DAY,
                bucket=day,
                term_type=row["term_type"],
                term=spelling.get(row["folded"], row["folded"]),
                folded=row["folded"],
                topic_id=row["topic_id"],
                mentions=row["m"],
                negative=row["neg"],
            )
            for row in terms
        ],
        batch_size=1000,
    )
