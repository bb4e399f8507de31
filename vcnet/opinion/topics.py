"""Topics: clusters of recent items' vectors, each labelled with its top keywords.

New items join the nearest active topic when they are close enough to its centroid (cosine at
least `JOIN_SIMILARITY`); the others wait without a topic. `recluster()` (every hour, by the
clock) runs k-means over the last week's items without a topic, keeps the clusters big and
tight enough as new topics, and refreshes every active topic's centroid, size and label. A
topic keeps its id, so the aggregates already counted for it stay right; topics that stop
receiving items for a week are retired.

Labels: the keywords most specific to the cluster (a keyword's share in the cluster over its
share in all recent items, the idea of c-TF-IDF), so "giao thông" beats words every cluster has.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from django.db import transaction
from django.utils import timezone

from vcnet.core import embeddings
from vcnet.opinion.models import Item, ItemState, Topic

JOIN_SIMILARITY = 0.92  # e5: same subject ~0.94, other public-service subjects 0.85-0.90
MIN_CLUSTER = 8  # items a new topic needs
MIN_COHESION = 0.92  # mean cosine of a new topic's items to its centroid
WINDOW = dt.timedelta(days=7)
MAX_CLUSTER_ITEMS = 20_000
LABEL_TERMS = 3


def _matrix(blobs: Sequence[bytes | memoryview | None]) -> np.ndarray:
    rows = [embeddings.from_bytes(b) for b in blobs if b is not None]
    if not rows:
        return np.zeros((0, embeddings.DIM), dtype=np.float32)
    return np.vstack(rows).astype(np.float32)


def _normalised(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def active_centroids() -> tuple[list[int], np.ndarray]:
    topics = list(
        Topic.objects.filter(active=True, centroid__isnull=False).values_list("id", "centroid")
    )
    return [pk for pk, _ in topics], _matrix([c for _, c in topics])


def assign(vectors: np.ndarray) -> list[int | None]:
    """The nearest active topic of each vector, or None when none is close enough."""
    if len(vectors) == 0:
        return []
    ids, centroids = active_centroids()
    if not ids:
        return [None] * len(vectors)
    similarity = vectors @ centroids.T
    best = similarity.argmax(axis=1)
    return [
        ids[int(b)] if similarity[i, b] >= JOIN_SIMILARITY else None for i, b in enumerate(best)
    ]


def label_for(cluster_keywords: Sequence[Sequence[str]], background: Counter[str]) -> list[str]:
    """The keywords that set a cluster apart from the background, best first."""
    inside: Counter[str] = Counter()
    for keywords in cluster_keywords:
        inside.update(set(keywords))
    total_background = sum(background.values()) or 1
    size = len(cluster_keywords) or 1

    def weight(term: str) -> float:
        share = inside[term] / size
        rarity = math.log(1 + total_background / (1 + background[term]))
        return share * rarity

    ranked = sorted((t for t, n in inside.items() if n >= 2), key=lambda t: (-weight(t), t))
    return ranked[:10]


def _merge_close(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Join clusters too small to form a topic when together they are as cohesive as a topic
    must be: k comes from a rule of thumb, and one subject split into two small halves would
    otherwise form no topic. Large clusters are left as k-means made them."""
    labels = labels.copy()
    small = [c for c in range(k) if 0 < int((labels == c).sum()) < MIN_CLUSTER]
    centroid = {c: _normalised(vectors[labels == c].mean(axis=0)) for c in small}
    pairs = sorted(
        (
            (float(centroid[a] @ centroid[b]), a, b)
            for i, a in enumerate(small)
            for b in small[i + 1 :]
        ),
        reverse=True,
    )
    for similarity, a, b in pairs:
        if similarity < JOIN_SIMILARITY:
            break
        members = (labels == a) | (labels == b)
        if a == b or not (labels == a).any() or not (labels == b).any():
            continue
        joined = vectors[members]
        if float((joined @ _normalised(joined.mean(axis=0))).mean()) >= MIN_COHESION:
            labels[labels == b] = a
    return labels


def recluster(now: dt.datetime | None = None, *, seed: int = 7) -> dict[str, int]:
    """Form new topics from the last week's items without one and refresh the active topics.

    Returns counts: created, refreshed, retired, assigned (items given a topic); the hours of
    the items that gained a topic have their aggregates rebuilt.
    """
    from sklearn.cluster import KMeans

    now = now or timezone.now()
    recent = Item.objects.filter(
        state=ItemState.DONE, published_at__gte=now - WINDOW, embedding__isnull=False
    )
    background: Counter[str] = Counter()
    for keywords in recent.values_list("keywords", flat=True).iterator(chunk_size=5000):
        background.update(set(keywords or []))

    loose = list(
        recent.filter(topic__isnull=True)
        .order_by("-published_at")
        .values_list("id", "embedding", "keywords")[:MAX_CLUSTER_ITEMS]
    )
    counts = {"created": 0, "refreshed": 0, "retired": 0, "assigned": 0}
    assigned_ids: set[int] = set()
    moved_ids: list[int] = []
    if len(loose) >= MIN_CLUSTER * 2:
        vectors = _matrix([e for _, e, _ in loose])
        k = max(2, min(24, int(math.sqrt(len(loose) / 2))))
        model = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(vectors)
        labels = _merge_close(vectors, model.labels_, k)
        for cluster in np.unique(labels):
            members = np.flatnonzero(labels == cluster)
            if len(members) < MIN_CLUSTER:
                continue
            centroid = _normalised(vectors[members].mean(axis=0))
            similarity = vectors[members] @ centroid
            if float(similarity.mean()) < MIN_COHESION:
                continue
            keywords = label_for([loose[i][2] or [] for i in members], background)
            if not keywords:
                continue
            ids = [loose[i][0] for i in members]
            with transaction.atomic():
                topic = Topic.objects.create(
                    label=", ".join(keywords[:LABEL_TERMS]),
                    keywords=keywords,
                    centroid=embeddings.to_bytes(centroid),
                    size=len(ids),
                )
                Item.objects.filter(id__in=ids, topic__isnull=True).update(topic=topic)
            assigned_ids.update(ids)
            moved_ids.extend(ids)
            counts["created"] += 1
            counts["assigned"] += len(ids)

    if counts["created"]:  # items the k-means left out may still sit close to a new topic
        left = [(pk, e) for pk, e, _ in loose if pk not in assigned_ids]
        if left:
            for (pk, _e), topic_id in zip(left, assign(_matrix([e for _, e in left])), strict=True):
                if topic_id is not None:
                    Item.objects.filter(pk=pk, topic__isnull=True).update(topic_id=topic_id)
                    counts["assigned"] += 1
                    moved_ids.append(pk)

    for topic in Topic.objects.filter(active=True):
        rows = list(recent.filter(topic=topic).values_list("embedding", "keywords"))
        if not rows:
            if topic.updated_at < now - WINDOW:
                topic.active = False
                topic.save(update_fields=["active"])
                counts["retired"] += 1
            continue
        centroid = _normalised(_matrix([blob for blob, _k in rows]).mean(axis=0))
        keywords = label_for([k or [] for _b, k in rows], background) or topic.keywords
        topic.centroid = embeddings.to_bytes(centroid)
        topic.keywords = keywords
        topic.label = ", ".join(keywords[:LABEL_TERMS]) or topic.label
        topic.size = len(rows)
        topic.updated_at = now
        topic.save(update_fields=["centroid", "keywords", "label", "size", "updated_at"])
        counts["refreshed"] += 1

    if moved_ids:
        from vcnet.opinion import aggregates

        aggregates.rebuild(
            Item.objects.filter(id__in=moved_ids).values_list("published_at", flat=True)
        )
    return counts
