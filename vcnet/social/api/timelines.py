"""Timelines: home, public, hashtag (Mastodon) and group (VCNET extension)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from vcnet.accounts.models import User
from vcnet.core.text import fold
from vcnet.social.api import serializers as s
from vcnet.social.api.common import OPTIONAL_AUTH, me, viewer
from vcnet.social.api.pagination import page_params, paged_json, paged_response
from vcnet.social.api.params import as_bool
from vcnet.social.api.router import router
from vcnet.social.cards import statuses_from_cards
from vcnet.social.feeds import (
    FeedPage,
    feed_group,
    feed_hashtag,
    feed_home,
    feed_pages,
    feed_public,
    feed_trending,
    snapshot,
)


def _answer(request: HttpRequest, feed: FeedPage) -> JsonResponse:
    return paged_response(
        request,
        s.statuses(request, viewer(request), feed.posts),
        next_max_id=feed.next_max_id,
        prev_min_id=feed.prev_min_id,
    )


def home_first_page(
    request: HttpRequest, user_id: int, limit: int, user: Callable[[], User]
) -> HttpResponse:
    """The home timeline's first page, what clients poll: the reader's snapshot while nothing on
    it changed (one Redis call, `feeds.snapshot`), else built; `user` is called only then."""
    first = snapshot.cached(request, user_id, limit) or snapshot.build(request, user(), limit)
    return paged_json(
        request,
        first.body,
        next_max_id=first.next_max_id,
        prev_min_id=first.prev_min_id,
        gzipped=first.gzipped,
    )


@router.get("/timelines/home", summary="Home timeline (Mastodon)")
def timeline_home(request: HttpRequest) -> HttpResponse:
    page = page_params(request)
    user = me(request)
    if page.max_id is None and page.since_id is None and page.min_id is None:
        return home_first_page(request, user.pk, page.limit, lambda: user)
    feed = feed_home(
        user,
        max_id=page.max_id,
        since_id=page.since_id,
        min_id=page.min_id,
        limit=page.limit,
        cards=True,
    )
    return paged_response(
        request,
        statuses_from_cards(request, user, feed.cards),
        next_max_id=feed.next_max_id,
        prev_min_id=feed.prev_min_id,
    )


@router.get("/timelines/public", auth=OPTIONAL_AUTH, summary="Public timeline (Mastodon)")
def timeline_public(request: HttpRequest) -> JsonResponse:
    page = page_params(request)
    feed = feed_public(
        viewer(request),
        local_pages_only=False,
        max_id=page.max_id,
        since_id=page.since_id,
        min_id=page.min_id,
        limit=page.limit,
    )
    if as_bool(request.GET.get("only_media", False)):
        feed.posts = [p for p in feed.posts if list(p.media.all())]
    return _answer(request, feed)


@router.get("/timelines/tag/{hashtag}", auth=OPTIONAL_AUTH, summary="Hashtag timeline (Mastodon)")
def timeline_tag(request: HttpRequest, hashtag: str) -> JsonResponse:
    page = page_params(request)
    feed = feed_hashtag(
        viewer(request),
        fold(hashtag.lstrip("#")),
        max_id=page.max_id,
        since_id=page.since_id,
        min_id=page.min_id,
        limit=page.limit,
    )
    return _answer(request, feed)


@router.get(
    "/timelines/group/{int:group_id}",
    auth=OPTIONAL_AUTH,
    summary="Group timeline (VCNET extension)",
)
def timeline_group(request: HttpRequest, group_id: int) -> JsonResponse:
    from vcnet.social.access import group_for_user

    user = viewer(request)
    group = group_for_user(user, group_id)
    page = page_params(request)
    feed = feed_group(
        user,
        group,
        max_id=page.max_id,
        since_id=page.since_id,
        min_id=page.min_id,
        limit=page.limit,
    )
    return _answer(request, feed)


@router.get(
    "/timelines/pages", auth=OPTIONAL_AUTH, summary="Official pages' timeline (VCNET extension)"
)
def timeline_pages(request: HttpRequest) -> JsonResponse:
    page = page_params(request)
    feed = feed_pages(
        viewer(request),
        max_id=page.max_id,
        since_id=page.since_id,
        min_id=page.min_id,
        limit=page.limit,
    )
    return _answer(request, feed)


@router.get("/trends/statuses", auth=OPTIONAL_AUTH, summary="Trending statuses (Mastodon)")
def trends_statuses(request: HttpRequest) -> JsonResponse:
    page = page_params(request)
    offset = (
        max(0, int(request.GET.get("offset", "0") or 0))
        if str(request.GET.get("offset", "0")).isdigit()
        else 0
    )
    feed = feed_trending(viewer(request), offset=offset, limit=page.limit)
    return paged_response(
        request,
        s.statuses(request, viewer(request), feed.posts),
        next_max_id=None,
        prev_min_id=None,
    )
