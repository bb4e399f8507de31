"""The dense leg's vectors: one process-wide matrix of every passage vector, or pgvector.

Two backends, chosen at run time:

- In process (SQLite, and PostgreSQL without the `vector` extension): `Store` keeps the ids
  (sorted), the e-office document ids and a float32 matrix of every `Passage.embedding`. Before
  each query one aggregate query (count, max(updated_at), max(id), min(id)) tells whether the
  passages changed; the store then reloads, only the new and changed rows when nothing was
  deleted. About 1.5 KB per passage: 50,000 passages take 77 MB.
- pgvector (PostgreSQL where migration 0002 could add the `embedding_v vector(384)` column):
  the database orders by `embedding_v <=> query` inside the same query that applies the
  permission filter. The column is written by `write_hook(passages)` when passages are saved;
  a trigger clears it when `embedding` changes without it, and rows found empty are filled
  before the next query, so a missed hook costs time, never a wrong answer.

Either way only the passages in `allowed` (a queryset of passages the asker may read, from
`retrieval.allowed_passages`) are scored: the others are masked out before any dot product.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Count, Max, Min, QuerySet

from vcnet.assistant.models import Passage
from vcnet.core import embeddings

__all__ = [
    "PGVECTOR_COLUMN",
    "Store",
    "pgvector_enabled",
    "search",
    "store",
    "write_hook",
]

log = logging.getLogger(__name__)

PGVECTOR_COLUMN = "embedding_v"
_ROW_BYTES = embeddings.DIM * 4
_LOAD_CHUNK = 2000
_FILL_BATCH = 500


@dataclass(frozen=True)
class _Snapshot:
    """What one query reads: never changed after it is built (reloads build a new one)."""

    version: tuple[Any, ...] | None
    ids: np.ndarray  # int64, ascending
    document_ids: np.ndarray  # int64, -1 where the passage is not an e-office document
    matrix: np.ndarray  # float32 (len(ids), DIM), rows L2-normalised

    @classmethod
    def empty(cls) -> _Snapshot:
        return cls(
            None,
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int64),
            np.empty((0, embeddings.DIM), dtype=np.float32),
        )


def _vector(data: Any) -> np.ndarray | None:
    raw = bytes(data or b"")
    if len(raw) != _ROW_BYTES:  # a broken row is left out rather than stopping every query
        return None
    return np.frombuffer(raw, dtype="<f4").astype(np.float32, copy=False)


def _read(rows: Iterable[tuple[int, int | None, Any]]) -> tuple[np.ndarray, ...]:
    ids: list[int] = []
    docs: list[int] = []
    vectors: list[np.ndarray] = []
    for pk, document_id, data in rows:
        vector = _vector(data)
        if vector is None:
            log.warning("assistant: passage %s has no usable vector", pk)
            continue
        ids.append(pk)
        docs.append(-1 if document_id is None else document_id)
        vectors.append(vector)
    matrix = (
        np.vstack(vectors) if vectors else np.empty((0, embeddings.DIM), dtype=np.float32)
    ).astype(np.float32, copy=False)
    return np.asarray(ids, dtype=np.int64), np.asarray(docs, dtype=np.int64), matrix


class Store:
    """The passage vectors of one database, reloaded when the passages change (thread-safe)."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self._lock = threading.Lock()
        self._snapshot = _Snapshot.empty()
        self.reloads = {"full": 0, "incremental": 0}

    def version(self) -> tuple[Any, ...]:
        """The cheap check: one aggregate query over the passages."""
        agg = Passage.objects.using(self.alias).aggregate(
            count=Count("id"), updated=Max("updated_at"), top=Max("id"), bottom=Min("id")
        )
        name = connections[self.alias].settings_dict.get("NAME")
        return (str(name), agg["count"], agg["updated"], agg["top"], agg["bottom"])

    def snapshot(self) -> _Snapshot:
        """The vectors as of now, reloading first when the passages changed."""
        current = self.version()
        snap = self._snapshot
        if snap.version == current:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap.version != current:
                snap = self._reload(snap, current)
                self._snapshot = snap
        return snap

    def _reload(self, old: _Snapshot, current: tuple[Any, ...]) -> _Snapshot:
        rows = Passage.objects.using(self.alias).order_by("id")
        same_db = old.version is not None and old.version[0] == current[0]
        if same_db and old.version is not None and old.ids.size and current[2] is not None:
            _name, _count, old_updated, old_top, old_bottom = old.version
            changed = rows.filter(id__gt=old_top) | rows.filter(updated_at__gt=old_updated)
            new = _read(changed.values_list("id", "document_id", "embedding"))
            merged = self._merge(old, *new)
            # Nothing deleted and no row lost: the merged ids are exactly the stored ones.
            if (
                merged is not None
                and merged.ids.size == current[1]
                and int(merged.ids[0]) == current[4]
                and current[4] == old_bottom
            ):
                self.reloads["incremental"] += 1
                return _Snapshot(current, merged.ids, merged.document_ids, merged.matrix)
        ids, docs, matrix = _read(
            rows.values_list("id", "document_id", "embedding").iterator(chunk_size=_LOAD_CHUNK)
        )
        self.reloads["full"] += 1
        return _Snapshot(current, ids, docs, matrix)

    @staticmethod
    def _merge(
        old: _Snapshot, ids: np.ndarray, docs: np.ndarray, matrix: np.ndarray
    ) -> _Snapshot | None:
        """`old` with the changed rows replaced and the new ones (higher ids) appended."""
        if ids.size == 0:
            return old
        top = int(old.ids[-1])
        known = ids <= top
        positions = np.searchsorted(old.ids, ids[known])
        if positions.size and (
            positions.max() >= old.ids.size or not np.array_equal(old.ids[positions], ids[known])
        ):
            return None  # a changed row the store never had: reload everything
        new_docs = old.document_ids.copy()
        new_matrix = old.matrix.copy()
        new_docs[positions] = docs[known]
        new_matrix[positions] = matrix[known]
        added = ~known
        return _Snapshot(
            None,
            np.concatenate([old.ids, ids[added]]),
            np.concatenate([new_docs, docs[added]]),
            np.vstack([new_matrix, matrix[added]]),
        )

    def search(
        self, query: np.ndarray, allowed_ids: np.ndarray, n: int = 50
    ) -> list[tuple[int, float]]:
        """The `n` allowed passages closest to `query`, as (passage id, cosine), best first.

        Rows outside `allowed_ids` are dropped before the dot product, so they are never scored.
        """
        snap = self.snapshot()
        if snap.ids.size == 0 or allowed_ids.size == 0 or n <= 0:
            return []
        mask = np.isin(snap.ids, allowed_ids)
        rows = np.flatnonzero(mask)
        if rows.size == 0:
            return []
        matrix = snap.matrix if rows.size == snap.ids.size else snap.matrix[rows]
        scores = matrix @ np.asarray(query, dtype=np.float32)
        n = min(n, scores.size)
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.lexsort((rows[top], -scores[top]))]
        return [(int(snap.ids[rows[i]]), float(scores[i])) for i in top]


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def store(alias: str = "default") -> Store:
    """The process-wide store of one database."""
    with _stores_lock:
        if alias not in _stores:
            _stores[alias] = Store(alias)
        return _stores[alias]


# --- pgvector ---------------------------------------------------------------------------------
_pg_ready: dict[tuple[str, str], bool] = {}


def pgvector_enabled(alias: str = "default") -> bool:
    """True on PostgreSQL when the `vector` extension is installed and migration 0002 added
    the column (checked once per database per process)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    key = (alias, str(connection.settings_dict.get("NAME")))
    if key not in _pg_ready:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AND EXISTS ("
                " SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = %s AND column_name = %s)",
                [Passage._meta.db_table, PGVECTOR_COLUMN],
            )
            row = cursor.fetchone()
        _pg_ready[key] = bool(row and row[0])
    return _pg_ready[key]


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{float(x):.7g}" for x in vector) + "]"


def _write_vectors(alias: str, rows: Sequence[tuple[int, Any]]) -> int:
    values = [(_literal(v), pk) for pk, data in rows if (v := _vector(data)) is not None]
    if not values:
        return 0
    table = connections[alias].ops.quote_name(Passage._meta.db_table)
    with connections[alias].cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {PGVECTOR_COLUMN} = %s::vector WHERE id = %s",  # noqa: S608
            values,
        )
    return len(values)


def write_hook(passages: Iterable[Passage], *, alias: str = "default") -> int:
    """Keep the pgvector column in step: call with the passages just saved (in the same
    transaction). Does nothing without pgvector; returns how many rows it wrote."""
    if not pgvector_enabled(alias):
        return 0
    return _write_vectors(alias, [(p.pk, p.embedding) for p in passages if p.pk is not None])


def _fill_missing(alias: str) -> int:
    """Write the column of passages saved without the hook (or whose vector changed)."""
    table = connections[alias].ops.quote_name(Passage._meta.db_table)
    total = 0
    while True:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT id, embedding FROM {table} WHERE {PGVECTOR_COLUMN} IS NULL "  # noqa: S608
                "ORDER BY id LIMIT %s",
                [_FILL_BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            return total
        with transaction.atomic(using=alias):
            written = _write_vectors(alias, rows)
        total += written
        if written < len(rows):  # broken vectors stay empty: stop rather than loop forever
            return total


def _search_pgvector(
    query: np.ndarray, allowed: QuerySet[Passage], n: int, alias: str
) -> list[tuple[int, float]]:
    try:
        sub_sql, sub_params = allowed.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # e.g. no source type asked for
        return []
    _fill_missing(alias)
    table = connections[alias].ops.quote_name(Passage._meta.db_table)
    literal = _literal(np.asarray(query, dtype=np.float32))
    # An exact scan over the allowed rows: an approximate index would filter after it ranks
    # and could return fewer than `n` of the asker's passages.
    sql = (
        f"SELECT id, 1 - ({PGVECTOR_COLUMN} <=> %s::vector) AS score FROM {table} "  # noqa: S608
        f"WHERE {PGVECTOR_COLUMN} IS NOT NULL AND id IN ({sub_sql}) "
        f"ORDER BY {PGVECTOR_COLUMN} <=> %s::vector, id LIMIT %s"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [literal, *sub_params, literal, n])
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def allowed_id_array(allowed: QuerySet[Passage]) -> np.ndarray:
    """The ids of `allowed` as a sorted int64 array (one query)."""
    ids = np.fromiter(allowed.order_by().values_list("id", flat=True).iterator(), dtype=np.int64)
    ids.sort()
    return ids


def search(query: np.ndarray, allowed: QuerySet[Passage], n: int = 50) -> list[tuple[int, float]]:
    """The `n` passages of `allowed` whose vectors are closest to `query` (cosine), best first."""
    alias = allowed.db
    if pgvector_enabled(alias):
        return _search_pgvector(query, allowed, n, alias)
    return store(alias).search(query, allowed_id_array(allowed), n)
