"""The aggregate tables the dashboards read, rebuilt per hour from the analysed items.

An hour's rows are recomputed whole from the items published in that hour (one GROUP BY for
the cube, its marginal sums from those rows, one pass over the keywords), then each touched
local day is re-summed from its 24 hour rows, and each touched week's terms from its 7 days.
Rebuilding rather than incrementing keeps the counts right when items arrive late, are analysed
twice, move to a new topic or are deleted, and costs one hour's items at a time. The pipeline
does not rebuild after each batch: it marks the batch's hours (`mark`, in the batch's
transaction) and `flush` rebuilds each marked hour once, every few seconds and at the end of a
run, so the cost follows the hours touched and not the number of batches. Day buckets
start at local midnight (`TIME_ZONE`, Asia/Ho_Chi_Minh), as people read days; weeks on Monday.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from vcnet.core.text import fold
from vcnet.opinion.models import (
    Aggregate,
    Dimension,
    Item,
    ItemState,
    Marginal,
    PendingHour,
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


def week_of(moment: dt.datetime) -> dt.datetime:
    """The start of the local week (Monday midnight) holding `moment`."""
    day = day_of(moment)  # local wall-clock arithmetic from here: midnight stays midnight
    return day - dt.timedelta(days=day.weekday())


def rebuild(hours: Iterable[dt.datetime]) -> int:
    """Recompute the hour rows of `hours`, the day rows of their days and the week rows of
    their weeks; returns the number of hours."""
    touched = sorted({hour_of(h) for h in hours})
    for hour in touched:
        with transaction.atomic():
            _rebuild_hour(hour)
    days = sorted({day_of(h) for h in touched})
    for day in days:
        with transaction.atomic():
            _rebuild_day(day)
    for week in sorted({week_of(d) for d in days}):
        with transaction.atomic():
            _rebuild_week(week)
    return len(touched)


def mark(moments: Iterable[dt.datetime]) -> int:
    """Note the hours of `moments` for the next `flush`; returns the number of hours."""
    hours = {hour_of(m) for m in moments}
    PendingHour.objects.bulk_create([PendingHour(hour=h) for h in sorted(hours)])
    return len(hours)


FLUSH_LOCK = 0x0F1A_66E6  # PostgreSQL advisory lock: one flush at a time across workers


def flush(*, wait: bool = False) -> int:
    """Rebuild the hours marked so far (each once) and drop their marks; returns the hours.

    Only the marks read here are dropped: one committed meanwhile stays for the next flush.
    One flush runs at a time across workers (`_flush_lock`): a worker that finds another
    flushing returns 0 and leaves its marks to a later round, or with `wait` (the end of a run)
    waits its turn."""
    with _flush_lock(wait=wait) as held:
        if not held:
            return 0
        marks = list(PendingHour.objects.order_by().values_list("id", "hour"))
        if not marks:
            return 0
        count = rebuild(hour for _, hour in marks)
        ids = [pk for pk, _ in marks]
        for start in range(0, len(ids), 500):
            PendingHour.objects.filter(id__in=ids[start : start + 500]).delete()
        return count


@contextmanager
def _flush_lock(*, wait: bool) -> Iterator[bool]:
    """Hold the flush lock (yields False when it is taken and `wait` is not set): PostgreSQL's
    advisory lock of the session, or with SQLite an exclusive `flock` on a file beside the
    database (one machine). Either goes with the process if it dies."""
    connection = connections[PendingHour.objects.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {'pg_advisory_lock' if wait else 'pg_try_advisory_lock'}(%s)", [FLUSH_LOCK]
            )
            held = wait or bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [FLUSH_LOCK])
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):  # tests: one process, nothing to share
        yield True
        return
    with open(f"{name}.flush-lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rebuild_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every aggregate from the analysed items, hour by hour; returns the hours."""
    hours = list(
        Item.objects.filter(state=ItemState.DONE)
        .annotate(hour=TruncHour("published_at", tzinfo=dt.UTC))
        .order_by("hour")
        .values_list("hour", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for model in (Aggregate, Marginal, TermAggregate):
            model.objects.all().delete()
    for done in range(0, len(hours), 24):
        rebuild(hours[done : done + 24])
        if progress:
            progress(min(done + 24, len(hours)), len(hours))
    return len(hours)


def prune(now: dt.datetime | None = None) -> int:
    """Drop the hour rows older than `OPINION_HOUR_ROWS_DAYS` (their days and weeks stay);
    returns the number of rows deleted."""
    cutoff = hour_rows_since(now)
    deleted = 0
    for model in (Aggregate, Marginal, TermAggregate):
        count, _ = model.objects.filter(period=Period.HOUR, bucket__lt=cutoff).delete()
        deleted += count
    return deleted


def hour_rows_since(now: dt.datetime | None = None) -> dt.datetime:
    """The oldest hour that still has its hour rows."""
    return day_of((now or timezone.now()) - dt.timedelta(days=settings.OPINION_HOUR_ROWS_DAYS))


COUNTS = ("mentions", "positive", "neutral", "negative")
# (kind kept?, filtered dimension, the dimensions summed under it)
MARGINS: tuple[tuple[bool, str, tuple[str, ...]], ...] = (
    (True, Dimension.NONE, (Dimension.NONE, Dimension.TOPIC, Dimension.SOURCE, Dimension.PROVINCE)),
    (False, Dimension.TOPIC, (Dimension.NONE, Dimension.SOURCE, Dimension.PROVINCE)),
    (False, Dimension.SOURCE, (Dimension.NONE, Dimension.TOPIC, Dimension.PROVINCE)),
    (False, Dimension.PROVINCE, (Dimension.NONE, Dimension.TOPIC, Dimension.SOURCE)),
)


def marginals(cube: Iterable[dict[str, object]]) -> dict[tuple[str, str, str, str, str], list[int]]:
    """The marginal sums of cube rows (topic_id, source_id, province, kind and the counts),
    keyed by (kind, filter_dim, filter_value, dim, value) as `Marginal` stores them."""
    sums: dict[tuple[str, str, str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in cube:
        values: dict[str, str] = {
            Dimension.NONE: "",
            Dimension.TOPIC: str(row["topic_id"] or 0),
            Dimension.SOURCE: str(row["source_id"]),
            Dimension.PROVINCE: str(row["province"]),
        }
        counts = [int(row[c]) for c in COUNTS]  # type: ignore[call-overload]
        for keep_kind, by, dims in MARGINS:
            if by and values[by] in ("", "0"):  # nobody filters on "no topic" or "no province"
                continue
            for kind in ("", str(row["kind"])) if keep_kind else ("",):
                for dim in dims:
                    total = sums[(kind, by, values[by], dim, values[dim])]
                    for i, count in enumerate(counts):
                        total[i] += count
    return sums


def _store_cube(period: str, bucket: dt.datetime, cube: list[dict[str, Any]]) -> None:
    """Replace the cube rows of (`period`, `bucket`) and their marginal sums by `cube`'s rows
    (topic_id, source_id, province, kind and the `COUNTS`)."""
    Aggregate.objects.filter(period=period, bucket=bucket).delete()
    _insert(
        Aggregate,
        [
            dict(
                period=period,
                bucket=bucket,
                topic_id=row["topic_id"] or 0,
                source_id=row["source_id"],
                province=row["province"],
                kind=row["kind"],
                **{c: row[c] for c in COUNTS},
            )
            for row in cube
        ],
    )
    _store_marginals(period, bucket, marginals(cube))


def _store_marginals(
    period: str, bucket: dt.datetime, sums: dict[tuple[str, str, str, str, str], list[int]]
) -> None:
    Marginal.objects.filter(period=period, bucket=bucket).delete()
    _insert(
        Marginal,
        [
            {
                "period": period,
                "bucket": bucket,
                "kind": kind,
                "filter_dim": by,
                "filter_value": filter_value,
                "dim": dim,
                "value": value,
                "mentions": m,
                "positive": p,
                "neutral": n,
                "negative": neg,
            }
            for (kind, by, filter_value, dim, value), (m, p, n, neg) in sums.items()
        ],
    )


def _rebuild_hour(hour: dt.datetime) -> None:
    items = Item.objects.filter(
        state=ItemState.DONE, published_at__gte=hour, published_at__lt=hour + HOUR
    )
    cube = list(
        items.order_by()
        .values("topic_id", "source_id", "province", "kind")
        .annotate(
            mentions=Count("id"),
            positive=Count("id", filter=Q(sentiment=Sentiment.POSITIVE)),
            neutral=Count("id", filter=Q(sentiment=Sentiment.NEUTRAL)),
            negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
        )
    )
    _store_cube(Period.HOUR, hour, cube)
    TermAggregate.objects.filter(period=Period.HOUR, bucket=hour).delete()
    _insert(TermAggregate, _term_rows(items, hour))


def _term_rows(items: Iterable[Item], hour: dt.datetime) -> list[dict[str, Any]]:
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
            for topic in {0, topic_id or 0}:  # 0: every item
                key = (term_type, folded, topic)
                mentions[key] += 1
                if sentiment == Sentiment.NEGATIVE:
                    negative[key] += 1
            spellings[(term_type, folded)][term[:200]] += 1
    return [
        {
            "period": Period.HOUR,
            "bucket": hour,
            "term_type": term_type,
            "term": spellings[(term_type, folded)].most_common(1)[0][0],
            "folded": folded,
            "topic_id": topic_id,
            "mentions": count,
            "negative": negative[(term_type, folded, topic_id)],
        }
        for (term_type, folded, topic_id), count in mentions.items()
    ]


def _rebuild_day(day: dt.datetime) -> None:
    span = Q(period=Period.HOUR, bucket__gte=day, bucket__lt=day + DAY)
    sums = (
        Aggregate.objects.filter(span)
        .order_by()
        .values("topic_id", "source_id", "province", "kind")
        .annotate(m=Sum("mentions"), p=Sum("positive"), n=Sum("neutral"), neg=Sum("negative"))
    )
    cube = [
        {
            **row,
            "mentions": row["m"],
            "positive": row["p"],
            "neutral": row["n"],
            "negative": row["neg"],
        }
        for row in sums
    ]
    _store_cube(Period.DAY, day, cube)
    _sum_terms(span, Period.DAY, day)


def _rebuild_week(week: dt.datetime) -> None:
    span = Q(period=Period.DAY, bucket__gte=week, bucket__lt=week + dt.timedelta(days=7))
    _sum_terms(span, Period.WEEK, week)


def _sum_terms(span: Q, period: str, bucket: dt.datetime) -> None:
    """Replace the term rows of (`period`, `bucket`) by the sums of the rows in `span`."""
    terms = (
        TermAggregate.objects.filter(span)
        .order_by()
        .values("term_type", "folded", "topic_id")
        .annotate(m=Sum("mentions"), neg=Sum("negative"))
    )
    spelling = dict(
        TermAggregate.objects.filter(span).order_by("bucket").values_list("folded", "term")
    )
    TermAggregate.objects.filter(period=period, bucket=bucket).delete()
    _insert(
        TermAggregate,
        [
            {
                "period": period,
                "bucket": bucket,
                "term_type": row["term_type"],
                "term": spelling.get(row["folded"], row["folded"]),
                "folded": row["folded"],
                "topic_id": row["topic_id"],
                "mentions": row["m"],
                "negative": row["neg"],
            }
            for row in terms
        ],
    )


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (field name -> value; a missing field takes its default) with one
    parametrised statement run for every row (`executemany`): the aggregate rows are many and
    small, and `bulk_create` spent most of a rebuild building model objects and their SQL
    value by value. Strings and integers go as they are; other values (the bucket's datetime,
    the same on every row) are converted once each."""
    if not rows:
        return
    connection = connections[model._default_manager.db]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    defaults = {f.attname: f.get_default() for f in fields}
    converted: dict[tuple[str, object], Any] = {}

    def prepared(field: models.Field, row: dict[str, Any]) -> Any:
        value = row.get(field.attname, defaults[field.attname])
        if type(value) in (str, int):
            return value
        key = (field.attname, value)
        if key not in converted:
            converted[key] = field.get_db_prep_save(value, connection)
        return converted[key]

    values = [[prepared(f, row) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
