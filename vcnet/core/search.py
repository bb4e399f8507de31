"""The shared search index: every search box indexes and queries through these functions.

Text is folded in the application on both sides (`fold("Đường lối") == "duong loi"`; FTS5's
`remove_diacritics` and PostgreSQL's `unaccent` would leave or treat "đ" differently), and the
original text is kept so that hits matching the accents as typed rank first.

Backends, chosen by `connection.vendor`:
- SQLite: the FTS5 table `core_searchentry_fts` (rowid = `SearchEntry.id`), created by the
  migration and kept in sync here (not by triggers), ranked by bm25.
- PostgreSQL: a stored `tsv` column (`to_tsvector('simple', folded)`, computed by the database) with a
  GIN index, ranked by `ts_rank_cd`.
- anything else: a plain `LIKE` on the folded text (slow, but correct).

Every entry carries one scope key (`"public"`, `"unit:12"`, `"user:7"`, ...); a query names the
scopes the asker may read, and nothing outside them is ever returned. Index after the
transaction that changed the object commits (`transaction.on_commit`).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from vcnet.core.models import SearchEntry
from vcnet.core.text import fold, nfc, words

__all__ = [
    "PUBLIC",
    "SearchDoc",
    "SearchHit",
    "search_index",
    "search_index_many",
    "search_query",
    "search_remove",
]

PUBLIC = "public"
FTS_TABLE = "core_searchentry_fts"
BATCH_SIZE = 1000
MAX_TERMS = 16
MAX_LIMIT = 200
_TERM = re.compile(r"[^\W_]+")
_TITLE_MAX = SearchEntry._meta.get_field("title").max_length or 500


@dataclass(frozen=True)
class SearchDoc:
    """One object to put in the index."""

    obj_type: str
    obj_id: str | int
    title: str
    body: str = ""
    scope: str = PUBLIC


@dataclass(frozen=True)
class SearchHit:
    """One ranked result: enough to render a line of results and link to the object."""

    object_type: str
    object_id: str
    title: str
    snippet: str
    scope: str
    score: float


def _index_text(text: str) -> str:
    """Folded words separated by single spaces: "15/QĐ-BTG" is indexed as "15 qd btg".

    PostgreSQL's parser would keep "3538/cd-btg" as one file-path token that no query word can
    match, so punctuation goes before either backend sees the text; queries split the same way.
    """
    return " ".join(_TERM.findall(fold(text)))


def _check_doc(doc: SearchDoc) -> SearchEntry:
    obj_id = str(doc.obj_id)
    if not doc.obj_type or len(doc.obj_type) > 80:
        raise ValueError("obj_type must be 1 to 80 characters.")
    if not obj_id or len(obj_id) > 64:
        raise ValueError("obj_id must be 1 to 64 characters.")
    if not doc.scope or len(doc.scope) > 100:
        raise ValueError("scope must be 1 to 100 characters.")
    title = nfc(doc.title or "")[:_TITLE_MAX]
    body = nfc(doc.body or "")
    folded = f"{_index_text(title)} {_index_text(body)}".strip()
    return SearchEntry(
        object_type=doc.obj_type,
        object_id=obj_id,
        title=title,
        body=body,
        folded=folded,
        scope=doc.scope,
        updated_at=timezone.now(),
    )


def search_index(
    obj_type: str, obj_id: str | int, title: str, body: str = "", scope: str = PUBLIC
) -> None:
    """Add or replace one object in the index."""
    search_index_many([SearchDoc(obj_type, obj_id, title, body, scope)])


def search_index_many(docs: Iterable[SearchDoc], *, batch_size: int = BATCH_SIZE) -> int:
    """Add or replace many objects, `batch_size` per transaction; returns how many were indexed."""
    total = 0
    batch: dict[tuple[str, str], SearchEntry] = {}
    for doc in docs:
        entry = _check_doc(doc)
        batch[(entry.object_type, entry.object_id)] = entry  # the last version of a duplicate wins
        if len(batch) >= batch_size:
            total += _write_batch(list(batch.values()))
            batch = {}
    if batch:
        total += _write_batch(list(batch.values()))
    return total


def _write_batch(entries: list[SearchEntry]) -> int:
    with transaction.atomic():
        SearchEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["object_type", "object_id"],
            update_fields=["title", "body", "folded", "scope", "updated_at"],
        )
        if connection.vendor == "sqlite":
            _fts_replace(entries)
    return len(entries)


def _fts_replace(entries: list[SearchEntry]) -> None:
    by_type: dict[str, list[str]] = {}
    for entry in entries:
        by_type.setdefault(entry.object_type, []).append(entry.object_id)
    ids: dict[tuple[str, str], int] = {}
    for obj_type, obj_ids in by_type.items():
        for pk, oid in SearchEntry.objects.filter(
            object_type=obj_type, object_id__in=obj_ids
        ).values_list("id", "object_id"):
            ids[(obj_type, oid)] = pk
    rows = [
        (ids[(e.object_type, e.object_id)], _index_text(e.title), _index_text(e.body))
        for e in entries
        if (e.object_type, e.object_id) in ids
    ]
    with connection.cursor() as cursor:
        # Delete by rowid first: it also clears rows left behind by a flush of the main table.
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(r[0],) for r in rows])  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
            rows,
        )


def search_remove(obj_type: str, obj_id: str | int) -> bool:
    """Take one object out of the index; True if it was there."""
    with transaction.atomic():
        ids = list(
            SearchEntry.objects.filter(object_type=obj_type, object_id=str(obj_id)).values_list(
                "id", flat=True
            )
        )
        if not ids:
            return False
        SearchEntry.objects.filter(id__in=ids).delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])  # noqa: S608
    return True


def _terms(q: str) -> list[str]:
    """The folded words of a query; everything else a user typed is just separators."""
    return [t[:64] for t in _TERM.findall(fold(nfc(q or "")))][:MAX_TERMS]


def search_query(
    q: str,
    *,
    scopes: Collection[str],
    types: Collection[str] | None = None,
    limit: int = 20,
    within: QuerySet[Any] | None = None,
    match: str = "all",
) -> list[SearchHit]:
    """Ranked hits for `q` among the entries in `scopes` (and of `types`, when given).

    `match="all"` (search boxes) keeps the entries that have every word, the last one also as a
    prefix; `match="any"` (the assistant's questions, whose words are rarely all in one passage)
    keeps those with at least one word, ranked by the backend's relevance.

    `within`, a one-column queryset of object ids as strings, narrows the hits further inside the
    same query: an app whose permissions are per object (the e-office) passes the ids its user
    may read, so nothing else is ever ranked, counted or returned.

    Matching ignores diacritics; the last word also matches as a prefix, so results appear while
    typing. Hits whose original text contains the words exactly as typed rank first.
    """
    if isinstance(scopes, str):
        scopes = [scopes]
    terms = _terms(q)
    scope_list = sorted(set(scopes))
    type_list = sorted(set(types)) if types is not None else None
    if not terms or not scope_list or (type_list is not None and not type_list):
        return []
    if within is not None:
        try:
            within.query.sql_with_params()
        except EmptyResultSet:  # an empty `within` (e.g. `.none()`): nothing may match
            return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    candidates = min(max(limit * 5, 50), 500)
    if match not in ("all", "any"):
        raise ValueError("match must be 'all' or 'any'.")
    anyword = match == "any"
    if connection.vendor == "sqlite":
        ranked = _candidates_sqlite(terms, scope_list, type_list, candidates, within, anyword)
    elif connection.vendor == "postgresql":
        ranked = _candidates_postgresql(terms, scope_list, type_list, candidates, within, anyword)
    else:
        ranked = _candidates_generic(terms, scope_list, type_list, candidates, within, anyword)
    return _rerank(q, terms, ranked, anyword=anyword)[:limit]


def _within_sql(within: QuerySet[Any] | None) -> tuple[str, list[Any]]:
    if within is None:
        return "", []
    sub_sql, sub_params = within.query.sql_with_params()
    return f" AND e.object_id IN ({sub_sql})", list(sub_params)


def _candidates_sqlite(
    terms: list[str],
    scopes: list[str],
    types: list[str] | None,
    n: int,
    within: QuerySet[Any] | None = None,
    anyword: bool = False,
) -> list[tuple[int, float]]:
    # Each term becomes an FTS5 string ("..."), so quotes, *, -, NEAR, ( never reach the parser.
    if anyword:
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
    else:
        match = " ".join(f'"{t}"' for t in terms) + "*"
    sql = (
        f"SELECT e.id, bm25({FTS_TABLE}, 4.0, 1.0) AS r FROM {FTS_TABLE} "  # noqa: S608
        f"JOIN core_searchentry e ON e.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND e.scope IN ({', '.join(['%s'] * len(scopes))})"
    )
    params: list[Any] = [match, *scopes]
    if types is not None:
        sql += f" AND e.object_type IN ({', '.join(['%s'] * len(types))})"
        params += types
    within_sql, within_params = _within_sql(within)
    sql += within_sql
    params += within_params
    sql += " ORDER BY r, e.id LIMIT %s"
    params.append(n)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, -float(r)) for pk, r in cursor.fetchall()]


def _candidates_postgresql(
    terms: list[str],
    scopes: list[str],
    types: list[str] | None,
    n: int,
    within: QuerySet[Any] | None = None,
    anyword: bool = False,
) -> list[tuple[int, float]]:
    # Terms are letters and digits only, so joining them cannot form tsquery syntax.
    tsquery = " | ".join(dict.fromkeys(terms)) if anyword else " & ".join(terms) + ":*"
    sql = (
        "SELECT e.id, ts_rank_cd(e.tsv, query) AS r "
        "FROM core_searchentry e, to_tsquery('simple'::regconfig, %s) query "
        "WHERE e.tsv @@ query AND e.scope = ANY(%s)"
    )
    params: list[Any] = [tsquery, scopes]
    if types is not None:
        sql += " AND e.object_type = ANY(%s)"
        params.append(types)
    within_sql, within_params = _within_sql(within)
    sql += within_sql
    params += within_params
    sql += " ORDER BY r DESC, e.id LIMIT %s"
    params.append(n)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, float(r)) for pk, r in cursor.fetchall()]


def _candidates_generic(
    terms: list[str],
    scopes: list[str],
    types: list[str] | None,
    n: int,
    within: QuerySet[Any] | None = None,
    anyword: bool = False,
) -> list[tuple[int, float]]:
    rows = SearchEntry.objects.filter(scope__in=scopes)
    if within is not None:
        rows = rows.filter(object_id__in=within)
    if types is not None:
        rows = rows.filter(object_type__in=types)
    if anyword:
        rows = rows.filter(functools.reduce(operator.or_, (Q(folded__contains=t) for t in terms)))
    else:
        for term in terms:
            rows = rows.filter(folded__contains=term)
    return [(pk, 0.0) for pk in rows.order_by("-updated_at").values_list("id", flat=True)[:n]]


def _word_set(text: str) -> set[str]:
    return {w.lower() for w in words(nfc(text))}


def _rerank(
    q: str, terms: list[str], ranked: Sequence[tuple[int, float]], *, anyword: bool = False
) -> list[SearchHit]:
    if not ranked:
        return []
    entries = SearchEntry.objects.in_bulk([pk for pk, _r in ranked])
    typed = [w.lower() for w in words(nfc(q))][:MAX_TERMS]
    phrase = " ".join(terms)
    top = max((abs(r) for _pk, r in ranked), default=0.0) or 1.0
    scored: list[tuple[float, int, SearchHit]] = []
    for position, (pk, backend_rank) in enumerate(ranked):
        entry = entries.get(pk)
        if entry is None:  # removed between the two queries
            continue
        title_words = _word_set(entry.title)
        body_words = _word_set(entry.body[:20000])
        folded_title = set(fold(entry.title).split())
        score = backend_rank / top
        if anyword:  # how many of the question's words the entry has, then the backend's rank
            have = set(entry.folded.split())
            distinct = set(terms)
            score += 4.0 * len(distinct & have) / len(distinct)
            score += 1.0 * sum(1 for w in typed if w in body_words) / max(len(typed), 1)
            scored.append((-score, position, _hit(entry, terms, score)))
            continue
        score += 10.0 * sum(1 for w in typed if w in title_words or w in body_words)
        score += 5.0 * sum(1 for w in typed if w in title_words)
        score += 2.0 * sum(1 for t in terms if t in folded_title)
        if len(terms) > 1 and phrase in entry.folded:
            score += 3.0
        scored.append((-score, position, _hit(entry, terms, score)))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [hit for _s, _p, hit in scored]


def _hit(entry: SearchEntry, terms: list[str], score: float) -> SearchHit:
    return SearchHit(
        object_type=entry.object_type,
        object_id=entry.object_id,
        title=entry.title,
        snippet=_snippet(entry.body, terms),
        scope=entry.scope,
        score=round(score, 4),
    )


def _snippet(body: str, terms: list[str], before: int = 8, after: int = 22) -> str:
    """A few words of the body around the first word that matches the query."""
    tokens = body[:50000].split()
    if not tokens:
        return ""
    first = next(
        (i for i, tok in enumerate(tokens) if any(t in fold(tok) for t in terms)),
        0,
    )
    start = max(0, first - before)
    end = min(len(tokens), first + after)
    text = " ".join(tokens[start:end])
    return ("… " if start else "") + text + (" …" if end < len(tokens) else "")
