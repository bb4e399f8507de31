"""Accounts (Mastodon's name for actors): profile, statuses, followers, relationships, graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field

from vcnet.core.errors import NotFound
from vcnet.social.api import serializers as s
from vcnet.social.api.common import OPTIONAL_AUTH, me, viewer
from vcnet.social.api.pagination import page_params, paged_response, queryset_page
from vcnet.social.api.params import as_bool, as_int, body_params, id_list, validate
from vcnet.social.api.router import router
from vcnet.social.models import Actor, Block, Follow, Mute
from vcnet.social.selectors.actors import relationships
from vcnet.social.services import graph
from vcnet.social.services.actors import actor_for_user, actor_get, profile_update


def _account_or_404(account_id: int) -> Actor:
    return actor_get(account_id)


def _accounts(request: HttpRequest, actors: list[Actor]) -> list[dict[str, Any]]:
    return [s.account(request, a) for a in actors]


@router.get("/accounts/verify_credentials", summary="The signed-in account (Mastodon)")
def verify_credentials(request: HttpRequest) -> dict[str, Any]:
    actor = actor_for_user(me(request))
    actor.refresh_from_db()
    return s.credential_account(request, actor)


class CredentialsIn(BaseModel):
    display_name: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=500)


@router.api_operation(
    ["PATCH"], "/accounts/update_credentials", summary="Edit my profile (Mastodon)"
)
def update_credentials(request: HttpRequest) -> dict[str, Any]:
    data, files = body_params(request)
    form = validate(CredentialsIn, data)
    actor = profile_update(
        user=me(request),
        display_name=form.display_name,
        bio=form.note,
        avatar=files.get("avatar"),
        header=files.get("header"),
        request=request,
    )
    return s.credential_account(request, actor)


@router.get("/accounts/relationships", summary="My relationships with accounts (Mastodon)")
def account_relationships(request: HttpRequest) -> list[dict[str, Any]]:
    ids = id_list(request.GET.getlist("id[]") or request.GET.getlist("id"))
    rels = relationships(me(request), ids)
    return [s.relationship(rels[i]) for i in ids if i in rels]


@router.get("/accounts/lookup", auth=OPTIONAL_AUTH, summary="Find an account by handle (Mastodon)")
def account_lookup(request: HttpRequest) -> dict[str, Any]:
    acct = str(request.GET.get("acct", "")).strip().lstrip("@").split("@")[0]
    if not acct or acct.isdigit():
        raise NotFound(_("Record not found"))
    return s.account(request, actor_get(acct))


@router.get("/accounts/search", summary="Search accounts (Mastodon)")
def account_search(request: HttpRequest) -> list[dict[str, Any]]:
    from vcnet.social.search import social_search

    user = me(request)
    q = str(request.GET.get("q", "")).strip()
    limit = max(1, min(as_int(request.GET.get("limit"), default=40) or 40, 80))
    if not q:
        return []
    found = social_search(user, q, type="accounts", limit=limit)
    return _accounts(request, found.accounts)


@router.get("/accounts/{int:account_id}", auth=OPTIONAL_AUTH, summary="An account (Mastodon)")
def account_detail(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return s.account(request, _account_or_404(account_id))


@router.get(
    "/accounts/{int:account_id}/statuses",
    auth=OPTIONAL_AUTH,
    summary="An account's statuses (Mastodon)",
)
def account_statuses(request: HttpRequest, account_id: int) -> JsonResponse:
    from vcnet.social.feeds import feed_actor

    actor = _account_or_404(account_id)
    user = viewer(request)
    page = page_params(request)
    if as_bool(request.GET.get("pinned", False)):
        return paged_response(request, [], next_max_id=None, prev_min_id=None)
    feed = feed_actor(
        user,
        actor,
        max_id=page.max_id,
        since_id=page.since_id,
        min_id=page.min_id,
        limit=page.limit,
        with_replies=not as_bool(request.GET.get("exclude_replies", False)),
    )
    posts = feed.posts
    if as_bool(request.GET.get("only_media", False)):
        posts = [p for p in posts if list(p.media.all())]
    if as_bool(request.GET.get("exclude_reblogs", False)):
        posts = [p for p in posts if not p.reblog_of_id]
    return paged_response(
        request,
        s.statuses(request, user, posts),
        next_max_id=feed.next_max_id,
        prev_min_id=feed.prev_min_id,
    )


def _follow_list(request: HttpRequest, account_id: int, *, followers: bool) -> JsonResponse:
    actor = _account_or_404(account_id)
    page = page_params(request, default=40, most=80)
    qs = (
        Follow.objects.filter(target=actor).select_related("follower__unit")
        if followers
        else Follow.objects.filter(follower=actor).select_related("target__unit")
    )
    rows = queryset_page(qs, page)
    people = [row.follower if followers else row.target for row in rows]
    return paged_response(
        request,
        _accounts(request, people),
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )


@router.get(
    "/accounts/{int:account_id}/followers", auth=OPTIONAL_AUTH, summary="Followers (Mastodon)"
)
def account_followers(request: HttpRequest, account_id: int) -> JsonResponse:
    return _follow_list(request, account_id, followers=True)


@router.get(
    "/accounts/{int:account_id}/following", auth=OPTIONAL_AUTH, summary="Following (Mastodon)"
)
def account_following(request: HttpRequest, account_id: int) -> JsonResponse:
    return _follow_list(request, account_id, followers=False)


def _relationship_after(
    http: HttpRequest, account_id: int, action: Callable[..., Any], **kwargs: Any
) -> dict[str, Any]:
    user = me(http)
    action(user=user, target_id=account_id, **kwargs)
    return s.relationship(relationships(user, [account_id])[account_id])


@router.post("/accounts/{int:account_id}/follow", summary="Follow (Mastodon)")
def account_follow(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return _relationship_after(request, account_id, graph.follow_create, request=request)


@router.post("/accounts/{int:account_id}/unfollow", summary="Unfollow (Mastodon)")
def account_unfollow(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return _relationship_after(request, account_id, graph.follow_delete, request=request)


@router.post("/accounts/{int:account_id}/block", summary="Block (Mastodon)")
def account_block(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return _relationship_after(request, account_id, graph.block_create, request=request)


@router.post("/accounts/{int:account_id}/unblock", summary="Unblock (Mastodon)")
def account_unblock(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return _relationship_after(request, account_id, graph.block_delete, request=request)


@router.post("/accounts/{int:account_id}/mute", summary="Mute (Mastodon)")
def account_mute(request: HttpRequest, account_id: int) -> dict[str, Any]:
    data, _files = body_params(request)
    duration = as_int(data.get("duration"), default=0) or None
    hide = as_bool(data.get("notifications", True))
    return _relationship_after(
        request, account_id, graph.mute_create, hide_notifications=hide, duration=duration
    )


@router.post("/accounts/{int:account_id}/unmute", summary="Unmute (Mastodon)")
def account_unmute(request: HttpRequest, account_id: int) -> dict[str, Any]:
    return _relationship_after(request, account_id, graph.mute_delete)


@router.get("/blocks", summary="Accounts I block (Mastodon)")
def blocks(request: HttpRequest) -> JsonResponse:
    mine = actor_for_user(me(request))
    page = page_params(request, default=40, most=80)
    rows = queryset_page(Block.objects.filter(actor=mine).select_related("target__unit"), page)
    return paged_response(
        request,
        _accounts(request, [r.target for r in rows]),
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )


@router.get("/mutes", summary="Accounts I mute (Mastodon)")
def mutes(request: HttpRequest) -> JsonResponse:
    mine = actor_for_user(me(request))
    page = page_params(request, default=40, most=80)
    rows = queryset_page(Mute.objects.filter(actor=mine).select_related("target__unit"), page)
    return paged_response(
        request,
        _accounts(request, [r.target for r in rows]),
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )


@router.get("/follow_requests", summary="Follow requests (none: follows need no approval)")
def follow_requests(request: HttpRequest) -> list[Any]:
    me(request)
    return []
