"""The dashboard's figures equal what the items say, whichever rows answer them.

No filter, a kind, or one of topic, source and province is answered from the marginal sums; two
filters from the cube; keywords over a long period from week rows plus the days at its edges.
Each is checked against counts taken from the items themselves.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command

from vcnet.opinion import aggregates, selectors
from vcnet.opinion.models import (
    Item,
    ItemKind,
    ItemState,
    Marginal,
    Period,
    Sentiment,
    Source,
    SourceKind,
    TermAggregate,
    Topic,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)  # a Friday
PROVINCES = ["Nghệ An", "Hà Tĩnh", "Đà Nẵng", ""]
KEYWORDS = ["giá điện", "sạt lở", "học phí", "dịch vụ công", "ngập úng", "bảo hiểm y tế"]
KINDS = [ItemKind.POST, ItemKind.COMMENT, ItemKind.ARTICLE]


@dataclass
class World:
    items: list[Item]
    sources: list[Source]
    topics: list[Topic]


@pytest.fixture
def world() -> World:
    rng = random.Random(3)
    sources = [
        Source.objects.create(kind=SourceKind.FEED, name=f"Báo {n}", url=f"https://{n}.vn/rss")
        for n in ("nghean", "hatinh", "danang")
    ]
    topics = [Topic.objects.create(label=label) for label in ("giá điện", "thiên tai", "giáo dục")]
    items = []
    for i in range(300):
        published = NOW - dt.timedelta(minutes=rng.randrange(0, 45 * 24 * 60))
        items.append(
            Item(
                source=rng.choice(sources),
                kind=rng.choice(KINDS),
                external_id=str(i),
                text=f"Ý kiến số {i} của người dân",
                published_at=published,
                province=rng.choice(PROVINCES),
                state=ItemState.DONE,
                sentiment=rng.choice(Sentiment.values),
                topic=rng.choice([*topics, None]),
                keywords=rng.sample(KEYWORDS, rng.randrange(0, 3)),
            )
        )
    Item.objects.bulk_create(items)
    aggregates.rebuild(item.published_at for item in items)
    return World(items, sources, topics)


def _expected(items: list[Item], f: selectors.Filters) -> list[Item]:
    return [
        i
        for i in items
        if f.start <= i.published_at < f.end
        and (not f.topic_id or (i.topic and i.topic.pk == f.topic_id))
        and (not f.source_id or i.source.pk == f.source_id)
        and (not f.province or i.province == f.province)
        and (not f.kind or i.kind == f.kind)
    ]


def _check(items: list[Item], params: dict[str, str]) -> None:
    f = selectors.filters_from(params, now=NOW)
    ov = selectors.overview(f)
    chosen = _expected(items, f)
    assert ov.total == len(chosen), params
    assert ov.negative == sum(i.sentiment == Sentiment.NEGATIVE for i in chosen)
    assert sum(p.mentions for p in ov.series) == len(chosen)
    assert ov.previous_total == len(_expected(items, f.previous()))
    by_topic = Counter(i.topic.pk for i in chosen if i.topic)
    assert {t.topic_id: t.mentions for t in ov.topics} == dict(by_topic)
    by_province = Counter(i.province for i in chosen if i.province)
    assert {p.province: p.mentions for p in ov.provinces} == dict(by_province)
    assert {s.source_id: s.mentions for s in ov.sources} == dict(
        Counter(i.source.pk for i in chosen)
    )
    # Keywords honour the period and the topic only (their rows are kept per topic).
    by_topic_only = _expected(
        items, selectors.Filters(f.start, f.end, f.period, topic_id=f.topic_id)
    )
    keywords = Counter(k for i in by_topic_only for k in set(i.keywords))
    assert {k.term: k.mentions for k in ov.keywords} == dict(keywords)


def test_each_way_of_reading_gives_the_items_counts(world: World) -> None:
    items = world.items
    topic, source = world.topics[0], world.sources[1]
    for period in ({"range": "24h"}, {"range": "7d"}, {"range": "30d"}):
        _check(items, period)  # marginal sums, no filter
        _check(items, {**period, "kind": ItemKind.COMMENT})  # marginal sums of a kind
        _check(items, {**period, "topic": str(topic.pk)})
        _check(items, {**period, "source": str(source.pk)})
        _check(items, {**period, "province": "Hà Tĩnh"})
        _check(items, {**period, "province": "Hà Tĩnh", "topic": str(topic.pk)})  # the cube
        _check(items, {**period, "kind": ItemKind.POST, "source": str(source.pk)})  # the cube


def test_a_long_period_reads_weeks_and_the_days_at_its_edges(world: World) -> None:
    f = selectors.filters_from({"start": "2026-10-22", "end": "2026-11-26"}, now=NOW)
    assert TermAggregate.objects.filter(period=Period.WEEK).exists()
    rows = TermAggregate.objects.filter(selectors._term_rows(f), topic_id=0, term_type="keyword")
    weeks = rows.filter(period=Period.WEEK).values_list("bucket", flat=True).distinct()
    assert len(weeks) == 4  # 26 Oct, 2, 9 and 16 Nov: the whole weeks inside
    _check(world.items, {"start": "2026-10-22", "end": "2026-11-26"})


def test_late_and_moved_items_are_counted_again(world: World) -> None:
    items = world.items
    moved = items[0]
    moved.topic = world.topics[2]
    moved.save(update_fields=["topic"])
    aggregates.rebuild([moved.published_at])
    _check(items, {"range": "90d"})
    _check(items, {"range": "90d", "topic": str(world.topics[2].pk)})


def test_the_rebuild_command_recomputes_everything(world: World) -> None:
    before = Marginal.objects.count()
    Marginal.objects.all().delete()
    call_command("opinion", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    assert Marginal.objects.count() == before
    _check(world.items, {"range": "30d", "topic": str(world.topics[1].pk)})


def test_old_hour_rows_are_pruned_and_their_days_still_answer(world: World, settings: Any) -> None:
    settings.OPINION_HOUR_ROWS_DAYS = 20
    cutoff = aggregates.hour_rows_since(NOW)
    assert Marginal.objects.filter(period=Period.HOUR, bucket__lt=cutoff).exists()

    assert aggregates.prune(NOW) > 0

    for model in (Marginal, TermAggregate):
        assert not model.objects.filter(period=Period.HOUR, bucket__lt=cutoff).exists()
        assert model.objects.filter(period=Period.HOUR, bucket__gte=cutoff).exists()
    _check(world.items, {"range": "24h"})
    _check(world.items, {"range": "90d", "province": "Nghệ An"})
    # An old alert's evidence (one hour) now shows its whole local day.
    old_hour = (NOW - dt.timedelta(days=30)).replace(minute=0).isoformat()
    f = selectors.filters_from({"hour": old_hour}, now=NOW)
    assert (f.period, f.end - f.start) == (Period.DAY, dt.timedelta(days=1))
    _check(world.items, {"hour": old_hour})
    # A recent one still shows its hour.
    recent = (NOW - dt.timedelta(days=2)).replace(minute=0).isoformat()
    assert selectors.filters_from({"hour": recent}, now=NOW).period == Period.HOUR
    _check(world.items, {"hour": recent})
