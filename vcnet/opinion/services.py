"""Every change to opinion monitoring: sources, items read from them, watchlists, alerts.

Items enter through `ingest()` (drafts from a feed, an imported file or VCNET's public posts)
and wait for the pipeline (`vcnet.opinion.pipeline`), which a background task runs at once.
Sources, imports and watchlists are changed by analysts and audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any, BinaryIO

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.text import fold, nfc
from vcnet.opinion import selectors
from vcnet.opinion.models import Alert, Item, ItemKind, Source, SourceKind, Watchlist
from vcnet.opinion.types import ImportResult, ItemDraft

log = logging.getLogger(__name__)

MAX_TEXT = 20_000
MAX_TERMS = 50


def _analyst_check(user: Any) -> User:
    if not selectors.can_analyse(user):
        raise PermissionDeniedError(_("Only analysts can change opinion monitoring."))
    analyst: User = user
    return analyst


def _pipeline_enqueue() -> None:
    from vcnet.opinion import tasks

    transaction.on_commit(lambda: tasks.process.enqueue())


# --- Items -----------------------------------------------------------------------------------
def ingest(source: Source, drafts: Sequence[ItemDraft], *, now: dt.datetime | None = None) -> int:
    """Store the drafts not stored yet (by source and external id); returns how many are new.

    Times in the future (a wrong clock at the source) are taken as now; texts are NFC and cut at
    `MAX_TEXT` characters. The pipeline is started once the rows are committed.
    """
    now = now or timezone.now()
    rows = []
    seen: set[str] = set()
    for draft in drafts:
        text = nfc(draft.text or "").strip()[:MAX_TEXT]
        title = nfc(draft.title or "").strip()[:500]
        key = draft.external_id.strip()[:300]
        if not (text or title) or not key or key in seen:
            continue
        seen.add(key)
        rows.append(
            Item(
                source=source,
                kind=draft.kind,
                external_id=key,
                url=draft.url[:1000],
                title=title,
                text=text or title,
                published_at=min(draft.published_at, now),
                province=draft.province[:80],
                created_at=now,
            )
        )
    if not rows:
        return 0
    with transaction.atomic():
        known = set(
            Item.objects.filter(source=source, external_id__in=seen).values_list(
                "external_id", flat=True
            )
        )
        fresh = [row for row in rows if row.external_id not in known]
        Item.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
        if fresh:
            done = (
                {} if source.kind == SourceKind.FEED else {"status": "ok", "last_fetched_at": now}
            )
            Source.objects.filter(pk=source.pk).update(
                items_total=Item.objects.filter(source=source).count(), **done
            )
            _pipeline_enqueue()
    return len(fresh)


def platform_source() -> Source:
    """The source of VCNET's own public posts and comments (made on first use)."""
    source = Source.objects.filter(kind=SourceKind.PLATFORM).order_by("id").first()
    if source is None:
        source = Source.objects.create(kind=SourceKind.PLATFORM, name="VCNET", interval_minutes=1)
    return source


def ingest_platform(*, limit: int = 2000) -> int:
    """Read the public posts and comments written since the last run; returns how many."""
    from vcnet.social.selectors.public import public_content_after

    source = platform_source()
    total = 0
    while True:
        rows = list(public_content_after(source.cursor, limit=min(limit, 1000)))
        if not rows:
            break
        drafts = [
            ItemDraft(
                external_id=f"post:{row['id']}",
                kind=ItemKind.COMMENT if row["in_reply_to_id"] else ItemKind.POST,
                text=row["text"],
                published_at=row["created_at"],
                url=reverse("social:post", args=[row["id"]]),
            )
            for row in rows
        ]
        total += ingest(source, drafts)
        source.cursor = rows[-1]["id"]
        Source.objects.filter(pk=source.pk).update(
            cursor=source.cursor, last_fetched_at=timezone.now(), status="ok"
        )
        if len(rows) < min(limit, 1000) or total >= limit:
            break
    return total


def fetch_due_feeds(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Fetch every feed whose time has come; returns counts of sources fetched and items new."""
    from vcnet.opinion import feeds

    counts = {"sources": 0, "items": 0, "errors": 0}
    for source in feeds.due_sources(now or timezone.now()):
        result = feeds.fetch_source(source, now=now)
        counts["sources"] += 1
        counts["errors"] += 1 if result.error else 0
        counts["items"] += ingest(source, result.drafts, now=now)
    return counts


# --- Sources ---------------------------------------------------------------------------------
def feed_create(
    user: Any,
    *,
    name: str,
    url: str,
    province: str = "",
    interval_minutes: int = 30,
    request: HttpRequest | None = None,
) -> Source:
    """Add a news feed to follow (analysts); it is fetched by the next clock tick."""
    analyst = _analyst_check(user)
    name, url = name.strip(), url.strip()
    if not name or not url.startswith(("http://", "https://")):
        raise DomainError(_("A feed needs a name and an http(s) address."), code="invalid_feed")
    if Source.objects.filter(url=url).exists():
        raise DomainError(_("This feed is already followed."), code="duplicate_feed")
    from vcnet.opinion.provinces import canonical

    with transaction.atomic():
        source = Source.objects.create(
            kind=SourceKind.FEED,
            name=name[:200],
            url=url,
            province=canonical(province) if province else "",
            interval_minutes=max(5, min(int(interval_minutes), 24 * 60)),
            created_by=analyst,
        )
        audit_write(
            actor=analyst,
            action="opinion.feed_added",
            obj=source,
            data={"url": url},
            request=request,
        )
    return source


def source_set_active(
    user: Any, source_id: int, active: bool, *, request: HttpRequest | None = None
) -> Source:
    analyst = _analyst_check(user)
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None:
            raise NotFound(_("This source does not exist."))
        source.active = active
        source.next_fetch_at = None
        source.save(update_fields=["active", "next_fetch_at"])
        audit_write(
            actor=analyst,
            action="opinion.source_active",
            obj=source,
            data={"active": active},
            request=request,
        )
    return source


def clippings_import(
    user: Any,
    upload: BinaryIO,
    filename: str,
    *,
    outlet: str = "",
    province: str = "",
    request: HttpRequest | None = None,
) -> tuple[int, ImportResult]:
    """Read a CSV/XLSX file of press clippings into an import source; returns (new items,
    result with the rows refused). Nothing is stored when no row could be read."""
    from vcnet.opinion import clippings

    analyst = _analyst_check(user)
    result = clippings.read_clippings(upload, filename, province=province)
    if not result.drafts:
        return 0, result
    name = outlet.strip()[:200] or _("Press clippings")
    with transaction.atomic():
        source, _created = Source.objects.get_or_create(
            kind=SourceKind.IMPORT, name=name, defaults={"created_by": analyst}
        )
        new = ingest(source, result.drafts)
        audit_write(
            actor=analyst,
            action="opinion.clippings_imported",
            obj=source,
            data={
                "file": filename[:200],
                "rows": len(result.drafts),
                "new": new,
                "refused": len(result.errors),
            },
            request=request,
        )
    return new, result


# --- Watchlists and alerts -------------------------------------------------------------------
def _terms_clean(terms: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for term in terms:
        term = " ".join(nfc(term).split())[:100]
        key = fold(term)
        if term and key not in seen:
            seen.add(key)
            out.append(term)
    if not out:
        raise DomainError(_("A watchlist needs at least one term."), code="no_terms")
    if len(out) > MAX_TERMS:
        raise DomainError(
            _("A watchlist holds at most %(n)d terms.") % {"n": MAX_TERMS}, code="too_many_terms"
        )
    return out


def watchlist_save(
    user: Any,
    *,
    name: str,
    terms: Sequence[str],
    threshold: int = 5,
    watchlist_id: int | None = None,
    request: HttpRequest | None = None,
) -> Watchlist:
    """Create or change one of my watchlists."""
    analyst = _analyst_check(user)
    name = " ".join(name.split())[:200]
    if not name:
        raise DomainError(_("A watchlist needs a name."), code="no_name")
    clean = _terms_clean(terms)
    threshold = max(1, min(int(threshold), 100_000))
    with transaction.atomic():
        if watchlist_id is None:
            watchlist = Watchlist.objects.create(
                name=name, terms=clean, threshold=threshold, owner=analyst
            )
        else:
            found = (
                Watchlist.objects.select_for_update().filter(pk=watchlist_id, owner=analyst).first()
            )
            if found is None:
                raise NotFound(_("This watchlist does not exist."))
            watchlist = found
            watchlist.name, watchlist.terms, watchlist.threshold = name, clean, threshold
            watchlist.save(update_fields=["name", "terms", "threshold"])
        audit_write(
            actor=analyst,
            action="opinion.watchlist_saved",
            obj=watchlist,
            data={"terms": clean, "threshold": threshold},
            request=request,
        )
    return watchlist


def watchlist_delete(user: Any, watchlist_id: int, *, request: HttpRequest | None = None) -> None:
    analyst = _analyst_check(user)
    with transaction.atomic():
        watchlist = Watchlist.objects.filter(pk=watchlist_id, owner=analyst).first()
        if watchlist is None:
            raise NotFound(_("This watchlist does not exist."))
        audit_write(
            actor=analyst, action="opinion.watchlist_deleted", obj=watchlist, request=request
        )
        watchlist.delete()


def alert_acknowledge(user: Any, alert_id: int) -> Alert:
    """An analyst has seen an alert (shown as handled to the others)."""
    analyst = _analyst_check(user)
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound(_("This alert does not exist."))
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.acknowledged_by = analyst
            alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert
