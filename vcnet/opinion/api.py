"""The opinion-monitoring API under /api/v1/opinion/ (analysts only; RFC 9457 errors).

Aggregates only: there is no endpoint that lists or scores people, and items carry no author.

- GET  /overview          totals, series, topics, provinces, sources, keywords, entities
- GET  /items             public sample items for the filters (+ sentiment, term), newest first
- GET  /topics            active topics with their keywords
- GET  /alerts            recent alerts;  POST /alerts/{id}/ack
- GET  /sources           sources with their fetch status;  POST /sources (add a news feed)
- GET  /watchlists        my watchlists;  POST /watchlists;  DELETE /watchlists/{id}
The filters of /overview and /items: range (24h|7d|30d|90d) or start/end (YYYY-MM-DD), hour,
source, topic, province, kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from vcnet.accounts.models import User
from vcnet.core.api_auth import current_user
from vcnet.core.errors import PermissionDeniedError
from vcnet.opinion import alerts, selectors, services
from vcnet.opinion.models import Source, Topic, Watchlist

router = Router(tags=["opinion"])

FILTER_KEYS = ("range", "start", "end", "hour", "source", "topic", "province", "kind")


def _analyst(request: HttpRequest) -> User:
    user: User = current_user(request)
    if not selectors.can_analyse(user):
        raise PermissionDeniedError(_("Only analysts can read opinion monitoring."))
    return user


def _filters(request: HttpRequest) -> selectors.Filters:
    return selectors.filters_from({k: request.GET.get(k, "") for k in FILTER_KEYS})


# --- Schemas ---------------------------------------------------------------------------------
class FiltersOut(Schema):
    start: dt.datetime
    end: dt.datetime
    period: str
    source_id: int | None
    topic_id: int | None
    province: str
    kind: str


class PointOut(Schema):
    bucket: dt.datetime
    mentions: int
    positive: int
    neutral: int
    negative: int


class TopicRowOut(Schema):
    topic_id: int
    label: str
    keywords: list[str]
    mentions: int
    negative_share: float
    previous: int


class ProvinceRowOut(Schema):
    province: str
    mentions: int
    negative_share: float


class SourceRowOut(Schema):
    source_id: int
    name: str
    kind: str
    mentions: int


class TermRowOut(Schema):
    term: str
    mentions: int
    negative_share: float


class OverviewOut(Schema):
    filters: FiltersOut
    total: int
    positive: int
    neutral: int
    negative: int
    previous_total: int
    series: list[PointOut]
    topics: list[TopicRowOut]
    provinces: list[ProvinceRowOut]
    sources: list[SourceRowOut]
    keywords: list[TermRowOut]
    entities: list[TermRowOut]


class ItemOut(Schema):
    """A public item: what was said and where, never who said it."""

    id: int
    kind: str
    title: str
    excerpt: str
    url: str
    source_name: str
    published_at: dt.datetime
    province: str
    sentiment: str
    topic_label: str


class TopicOut(Schema):
    id: int
    label: str
    keywords: list[str]
    size: int


class AlertOut(Schema):
    id: int
    kind: str
    subject: str
    label: str
    title: str
    hour: dt.datetime
    mentions: int
    negative_share: float
    observed: float
    baseline: float
    score: float
    evidence_url: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None


class SourceOut(Schema):
    id: int
    kind: str
    name: str
    url: str
    province: str
    active: bool
    status: str
    last_error: str
    error_count: int
    last_fetched_at: dt.datetime | None
    next_fetch_at: dt.datetime | None
    items_total: int


class FeedIn(Schema):
    name: str = Field(max_length=200)
    url: str = Field(max_length=1000)
    province: str = ""
    interval_minutes: int = 30


class WatchlistIn(Schema):
    name: str = Field(max_length=200)
    terms: list[str]
    threshold: int = 5


class WatchlistOut(Schema):
    id: int
    name: str
    terms: list[str]
    threshold: int
    active: bool


def _alert(alert: Any) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "subject": alert.subject,
        "label": alert.label,
        "title": alerts.alert_title(alert),
        "hour": alert.hour,
        "mentions": alert.mentions,
        "negative_share": alert.negative_share,
        "observed": alert.observed,
        "baseline": alert.baseline,
        "score": alert.score,
        "evidence_url": alerts.evidence_url(alert),
        "created_at": alert.created_at,
        "acknowledged_at": alert.acknowledged_at,
    }


# --- Endpoints -------------------------------------------------------------------------------
@router.get("/overview", response=OverviewOut, summary="Aggregates for the filters")
def overview(request: HttpRequest) -> Any:
    _analyst(request)
    return selectors.overview(_filters(request))


@router.get("/items", response=list[ItemOut], summary="Public sample items (no authors)")
def items(
    request: HttpRequest,
    sentiment: str = "",
    term: str = "",
    limit: int = 20,
    before_id: int | None = None,
) -> Any:
    _analyst(request)
    return selectors.sample_items(
        _filters(request), sentiment=sentiment, term=term[:100], limit=limit, before_id=before_id
    )


@router.get("/topics", response=list[TopicOut], summary="Active topics")
def topics(request: HttpRequest) -> Any:
    _analyst(request)
    return list(Topic.objects.filter(active=True).values("id", "label", "keywords", "size"))


@router.get("/alerts", response=list[AlertOut], summary="Recent alerts")
def alert_list(request: HttpRequest) -> Any:
    _analyst(request)
    return [_alert(a) for a in selectors.alerts_recent(50)]


@router.post("/alerts/{alert_id}/ack", response=AlertOut, summary="Mark an alert as seen")
def alert_ack(request: HttpRequest, alert_id: int) -> Any:
    return _alert(services.alert_acknowledge(current_user(request), alert_id))


@router.get("/sources", response=list[SourceOut], summary="Sources and their fetch status")
def sources(request: HttpRequest) -> Any:
    _analyst(request)
    return list(selectors.sources_status())


@router.post("/sources", response={201: SourceOut}, summary="Follow a news feed")
def source_add(request: HttpRequest, payload: FeedIn) -> Any:
    source: Source = services.feed_create(
        current_user(request),
        name=payload.name,
        url=payload.url,
        province=payload.province,
        interval_minutes=payload.interval_minutes,
        request=request,
    )
    return Status(201, source)


@router.get("/watchlists", response=list[WatchlistOut], summary="My watchlists")
def watchlists(request: HttpRequest) -> Any:
    user = _analyst(request)
    return list(Watchlist.objects.filter(owner=user))


@router.post("/watchlists", response={201: WatchlistOut}, summary="Create a watchlist")
def watchlist_add(request: HttpRequest, payload: WatchlistIn) -> Any:
    watchlist = services.watchlist_save(
        current_user(request),
        name=payload.name,
        terms=payload.terms,
        threshold=payload.threshold,
        request=request,
    )
    return Status(201, watchlist)


@router.delete("/watchlists/{watchlist_id}", response={204: None}, summary="Delete a watchlist")
def watchlist_remove(request: HttpRequest, watchlist_id: int) -> Any:
    services.watchlist_delete(current_user(request), watchlist_id, request=request)
    return Status(204, None)
