"""Keeping the passages (and their entries in the search index) in step with the sources.

`index_source` rewrites the passages of one source in one transaction: chunks whose content is
unchanged keep their vector (matched by `content_hash`, wherever they moved), only new text is
embedded, and a source that did not change at all is not written. The lexical entries
(`core.search`, type `assistant.passage`, scope `assistant`) are written and removed with
their passages. `index_changed` runs every minute from the clock; `reindex_all` rebuilds
everything (`vcnet assistant reindex`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from vcnet.assistant import chunking, knowledge
from vcnet.assistant.models import IndexCursor, Passage, SourceType
from vcnet.assistant.types import Chunk, SourceText
from vcnet.core import embeddings
from vcnet.core.search import SearchDoc, search_index_many, search_remove

__all__ = [
    "SEARCH_SCOPE",
    "SEARCH_TYPE",
    "STATS",
    "index_changed",
    "index_source",
    "reindex_all",
    "remove_source",
]

log = logging.getLogger(__name__)

SEARCH_TYPE = "assistant.passage"
SEARCH_SCOPE = "assistant"
# Changes saved just before a run may commit after it read them: the next run looks back this
# far again (an unchanged source costs one query and no write).
OVERLAP = timedelta(seconds=10)
# Counters since the process started ("embedded": passages whose vector was computed, "reused":
# passages that kept a vector); read by tests and the reindex command.
STATS: Counter[str] = Counter()

Progress = Callable[[int, int], None]


def _embedded_text(source: SourceText, chunk: Chunk) -> str:
    """What the vector is computed from: the passage with where it comes from, so a question
    about "công văn về lũ lụt" finds every passage of that letter."""
    head = chunking.SEP.join(p for p in (source.title, chunk.heading) if p)
    return f"{head}\n{chunk.text}" if head else chunk.text


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _search_doc(passage: Passage) -> SearchDoc:
    return SearchDoc(
        obj_type=SEARCH_TYPE,
        obj_id=str(passage.pk),
        title=f"{passage.title} {passage.heading}".strip(),
        body=passage.text,
        scope=SEARCH_SCOPE,
    )


def _vectors_for(texts: dict[str, str], known: dict[str, bytes]) -> dict[str, bytes]:
    """Vectors (as bytes) for every hash in `texts`: the known ones, the others embedded."""
    missing = [h for h in texts if h not in known]
    out = {h: known[h] for h in texts if h in known}
    if missing:
        vectors = embeddings.passages([texts[h] for h in missing])
        for h, vector in zip(missing, vectors, strict=True):
            out[h] = embeddings.to_bytes(vector)
    STATS["embedded"] += len(missing)
    STATS["reused"] += len(texts) - len(missing)
    return out


def _stored_vectors(source_type: str, source_id: str, hashes: Iterable[str]) -> dict[str, bytes]:
    rows = Passage.objects.filter(
        source_type=source_type, source_id=source_id, content_hash__in=list(set(hashes))
    ).values_list("content_hash", "embedding")
    return {h: bytes(e) for h, e in rows}


def index_source(source: SourceText) -> int:
    """Rewrite the passages of one source; returns how many passages were written (0 when
    nothing changed)."""
    chunks = chunking.split(source)
    if not chunks:
        remove_source(source.source_type, source.source_id)
        return 0
    inputs = [_embedded_text(source, c) for c in chunks]
    hashes = [_hash(t) for t in inputs]
    title = source.title[:500]
    # Embedding is the slow part: done before the transaction, reusing the stored vectors.
    vectors = _vectors_for(
        dict(zip(hashes, inputs, strict=True)),
        _stored_vectors(source.source_type, source.source_id, hashes),
    )
    with transaction.atomic():
        existing = {
            p.ordinal: p
            for p in Passage.objects.select_for_update().filter(
                source_type=source.source_type, source_id=source.source_id
            )
        }
        now = timezone.now()
        written: list[Passage] = []
        for ordinal, (chunk, content_hash) in enumerate(zip(chunks, hashes, strict=True)):
            values = {
                "document_id": source.document_id,
                "title": title,
                "heading": chunk.heading[:300],
                "page": chunk.page,
                "text": chunk.text,
                "content_hash": content_hash,
            }
            passage = existing.pop(ordinal, None)
            if passage is not None and all(getattr(passage, k) == v for k, v in values.items()):
                continue
            if passage is None:
                passage = Passage(
                    source_type=source.source_type, source_id=source.source_id, ordinal=ordinal
                )
            if passage.pk is None or passage.content_hash != content_hash:
                passage.embedding = vectors[content_hash]  # same text: the vector stays
            for key, value in values.items():
                setattr(passage, key, value)
            passage.updated_at = now
            passage.save()
            written.append(passage)
        stale = list(existing.values())
        for passage in stale:
            search_remove(SEARCH_TYPE, passage.pk)
        if stale:
            Passage.objects.filter(pk__in=[p.pk for p in stale]).delete()
        search_index_many(_search_doc(p) for p in written)
        from vcnet.assistant import vectors as vector_store  # the pgvector column, when in use

        vector_store.write_hook(written)
    return len(written)


def remove_source(source_type: str, source_id: str | int) -> int:
    """Remove the passages of one source and their search entries; returns how many."""
    with transaction.atomic():
        ids = list(
            Passage.objects.filter(source_type=source_type, source_id=str(source_id)).values_list(
                "pk", flat=True
            )
        )
        for pk in ids:
            search_remove(SEARCH_TYPE, pk)
        Passage.objects.filter(pk__in=ids).delete()
    return len(ids)


def _indexed_ids(source_type: str) -> set[str]:
    return set(
        Passage.objects.filter(source_type=source_type)
        .order_by()
        .values_list("source_id", flat=True)
        .distinct()
    )


def _index_type(
    source_type: str, progress: Progress | None = None, *, full: bool = False
) -> tuple[int, int]:
    """Bring one source type up to date; returns (sources read, sources whose passages changed)."""
    started = timezone.now()
    cursor = IndexCursor.objects.filter(source_type=source_type).first()
    since = None if full or cursor is None else cursor.indexed_until - OVERLAP
    wanted = knowledge.current_ids(source_type)
    indexed = _indexed_ids(source_type)
    changed = 0
    for source_id in sorted(indexed - wanted):  # deleted, unpublished, no longer official
        remove_source(source_type, source_id)
        changed += 1
    missing = wanted - indexed  # e.g. a post approved by a moderator, a page just verified
    total = len(wanted) if since is None else len(missing)
    done = 0
    seen: set[str] = set()
    sources = [knowledge.changed_sources(source_type, since)]
    if since is not None and missing:
        sources.append(knowledge.sources_for(source_type, missing))
    for stream in sources:
        for source in stream:
            if source.source_id in seen:
                continue
            seen.add(source.source_id)
            try:
                changed += index_source(source) > 0
            except Exception:  # one broken source must not stop the others
                log.exception("assistant: cannot index %s %s", source_type, source.source_id)
            done += 1
            total = max(total, done)
            if progress is not None:
                progress(done, total)
    IndexCursor.objects.update_or_create(
        source_type=source_type,
        defaults={"indexed_until": started, "last_run_at": timezone.now(), "last_count": done},
    )
    return done, changed


def index_changed() -> dict[str, int]:
    """Index what changed since the last run and drop what went away; returns, per source
    type, how many sources had their passages written or removed."""
    return {source_type: _index_type(source_type)[1] for source_type in SourceType.values}


def reindex_all(
    progress: Progress | None = None, *, source_types: Iterable[str] | None = None
) -> dict[str, int]:
    """Reindex every source (of `source_types`, default all); unchanged passages keep their
    vectors. Returns how many sources of each type were read; `progress(done, total)` is
    called after each source, counted over all types."""
    types = list(source_types or SourceType.values)
    offsets: dict[str, int] = {}
    totals: dict[str, int] = {t: len(knowledge.current_ids(t)) for t in types}
    grand_total = sum(totals.values())
    running = 0
    for source_type in types:
        offsets[source_type] = running
        running += totals[source_type]
    result: dict[str, int] = {}
    for source_type in types:

        def step(done: int, _total: int, base: int = offsets[source_type]) -> None:
            if progress is not None:
                progress(min(base + done, grand_total), grand_total)

        result[source_type] = _index_type(source_type, step, full=True)[0]
    if progress is not None and grand_total == 0:
        progress(0, 0)
    return result
