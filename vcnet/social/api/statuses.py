"""Statuses (posts): create, read, edit, delete, context, history, reactions, shares, polls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field

from vcnet.core.errors import NotFound
from vcnet.social.api import serializers as s
from vcnet.social.api.common import OPTIONAL_AUTH, me, viewer
from vcnet.social.api.pagination import page_params, paged_response, queryset_page
from vcnet.social.api.params import (
    Unprocessable,
    all_params,
    as_bool,
    body_params,
    id_list,
    validate,
)
from vcnet.social.api.router import router
from vcnet.social.models import Group, Poll, Post, Reaction, Visibility

# Mastodon's visibilities -> VCNET's; "direct" messages are not part of VCNET.
VISIBILITY_IN = {
    "public": Visibility.PUBLIC,
    "unlisted": Visibility.PUBLIC,
    "private": Visibility.FOLLOWERS,
}


class PollIn(BaseModel):
    options: list[str] = Field(min_length=2, max_length=4)
    expires_in: int = Field(ge=300, le=2_678_400)
    multiple: bool = False


class StatusIn(BaseModel):
    status: str = Field(default="", max_length=5000)
    in_reply_to_id: int | None = None
    quote_id: int | None = None
    media_ids: list[int] = Field(default_factory=list, max_length=4)
    sensitive: bool = False
    spoiler_text: str = Field(default="", max_length=200)
    visibility: str = "public"
    language: str = Field(default="vi", max_length=8)
    group_id: int | None = None
    poll: PollIn | None = None


class StatusEditIn(BaseModel):
    status: str = Field(default="", max_length=5000)
    sensitive: bool = False
    spoiler_text: str = Field(default="", max_length=200)


def _status_in(data: dict[str, Any]) -> StatusIn:
    data = dict(data)
    for key in ("sensitive",):
        if key in data:
            data[key] = as_bool(data[key])
    if isinstance(data.get("poll"), dict) and "multiple" in data["poll"]:
        data["poll"] = {**data["poll"], "multiple": as_bool(data["poll"]["multiple"])}
    for key in ("in_reply_to_id", "quote_id", "group_id"):
        if data.get(key) in ("", None):
            data.pop(key, None)
    if "media_ids" in data:
        data["media_ids"] = [
            v
            for v in (
                data["media_ids"] if isinstance(data["media_ids"], list) else [data["media_ids"]]
            )
            if v not in ("", None)
        ]
    return validate(StatusIn, data)


def _hydrated(request: HttpRequest, post_id: int) -> Post:
    from vcnet.social.selectors.posts import posts_hydrate

    found = posts_hydrate(viewer(request), [post_id])
    if not found:
        raise NotFound(_("Record not found"))
    return found[0]


def _one(request: HttpRequest, post_id: int) -> dict[str, Any]:
    return s.status_one(request, viewer(request), _hydrated(request, post_id))


@router.post("/statuses", summary="Post a status (Mastodon; `group_id` is a VCNET extension)")
def status_create(request: HttpRequest) -> dict[str, Any]:
    from vcnet.social.access import group_for_user, post_for_user
    from vcnet.social.services.posts import PollSpec, post_create

    user = me(request)
    data, _files = all_params(request)
    form = _status_in(data)
    visibility = VISIBILITY_IN.get(form.visibility)
    if visibility is None:
        raise Unprocessable(_("Validation failed: visibility: direct messages are not supported."))
    group: Group | None = None
    if form.group_id is not None:
        group = group_for_user(user, form.group_id)
        visibility = Visibility.GROUP
    post = post_create(
        user=user,
        text=form.status,
        visibility=visibility,
        group=group,
        in_reply_to=post_for_user(user, form.in_reply_to_id) if form.in_reply_to_id else None,
        quote_of=post_for_user(user, form.quote_id) if form.quote_id else None,
        content_warning=form.spoiler_text,
        sensitive=form.sensitive,
        media_ids=form.media_ids,
        poll=(
            PollSpec(
                options=form.poll.options,
                expires_in=form.poll.expires_in,
                multiple=form.poll.multiple,
            )
            if form.poll is not None
            else None
        ),
        language=form.language or "vi",
        request=request,
    )
    return _one(request, post.pk)


@router.get("/statuses/{int:status_id}", auth=OPTIONAL_AUTH, summary="A status (Mastodon)")
def status_detail(request: HttpRequest, status_id: int) -> dict[str, Any]:
    return _one(request, status_id)


@router.delete("/statuses/{int:status_id}", summary="Delete a status (Mastodon)")
def status_delete(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.posts import post_delete

    user = me(request)
    post = _hydrated(request, status_id)
    body = s.status_one(request, user, post)
    post_delete(user=user, post_id=status_id, request=request)
    body["text"] = post.text  # Mastodon returns the source text, for "delete and redraft"
    return body


@router.put("/statuses/{int:status_id}", summary="Edit a status (Mastodon)")
def status_edit(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.posts import post_edit

    data, _files = body_params(request)
    if "sensitive" in data:
        data["sensitive"] = as_bool(data["sensitive"])
    form = validate(StatusEditIn, data)
    post_edit(
        user=me(request),
        post_id=status_id,
        text=form.status,
        content_warning=form.spoiler_text,
        sensitive=form.sensitive,
        request=request,
    )
    return _one(request, status_id)


@router.get("/statuses/{int:status_id}/source", summary="A status's source text (Mastodon)")
def status_source(request: HttpRequest, status_id: int) -> dict[str, Any]:
    post = _hydrated(request, status_id)
    me(request)
    return {"id": str(post.pk), "text": post.text, "spoiler_text": post.content_warning}


@router.get(
    "/statuses/{int:status_id}/context",
    auth=OPTIONAL_AUTH,
    summary="Ancestors and replies (Mastodon)",
)
def status_context(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.selectors.posts import post_context

    user = viewer(request)
    post = _hydrated(request, status_id)
    ancestors, descendants = post_context(user, post)
    ctx = s.StatusContext.load(request, user, [*ancestors, *descendants])
    return {
        "ancestors": [s.status(ctx, p) for p in ancestors],
        "descendants": [s.status(ctx, p) for p in descendants],
    }


@router.get(
    "/statuses/{int:status_id}/history", auth=OPTIONAL_AUTH, summary="Earlier versions (Mastodon)"
)
def status_history(request: HttpRequest, status_id: int) -> list[dict[str, Any]]:
    from vcnet.social.selectors.posts import post_history

    user = viewer(request)
    post = _hydrated(request, status_id)
    edits = sorted(post_history(user, status_id), key=lambda e: (e.created_at, e.pk))
    versions = []
    since = post.created_at
    for edit in edits:
        version = s.status_edit(request, post, edit)
        version["created_at"] = s.iso(since)
        versions.append(version)
        since = edit.created_at
    versions.append(s.status_edit(request, post, None))
    return versions


def _after(request: HttpRequest, status_id: int, action: Any, **kwargs: Any) -> dict[str, Any]:
    action(user=me(request), post_id=status_id, **kwargs)
    return _one(request, status_id)


@router.post("/statuses/{int:status_id}/favourite", summary="Like (Mastodon)")
def status_favourite(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.interactions import reaction_set

    return _after(request, status_id, reaction_set)


@router.post("/statuses/{int:status_id}/unfavourite", summary="Remove my reaction (Mastodon)")
def status_unfavourite(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.interactions import reaction_remove

    return _after(request, status_id, reaction_remove)


@router.post("/statuses/{int:status_id}/react", summary="React with a kind (VCNET extension)")
def status_react(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.interactions import reaction_set

    data, _files = all_params(request)
    return _after(request, status_id, reaction_set, kind=str(data.get("kind", "like")))


@router.post("/statuses/{int:status_id}/reblog", summary="Share (Mastodon)")
def status_reblog(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.interactions import post_share

    share = post_share(user=me(request), post_id=status_id, request=request)
    return _one(request, share.pk)


@router.post("/statuses/{int:status_id}/unreblog", summary="Undo a share (Mastodon)")
def status_unreblog(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.interactions import post_unshare

    return _after(request, status_id, post_unshare)


@router.post("/statuses/{int:status_id}/bookmark", summary="Bookmark (Mastodon)")
def status_bookmark(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.interactions import bookmark_add

    return _after(request, status_id, bookmark_add)


@router.post("/statuses/{int:status_id}/unbookmark", summary="Remove a bookmark (Mastodon)")
def status_unbookmark(request: HttpRequest, status_id: int) -> dict[str, Any]:
    from vcnet.social.services.interactions import bookmark_remove

    return _after(request, status_id, bookmark_remove)


@router.get(
    "/statuses/{int:status_id}/favourited_by", auth=OPTIONAL_AUTH, summary="Who liked (Mastodon)"
)
def status_favourited_by(request: HttpRequest, status_id: int) -> JsonResponse:
    post = _hydrated(request, status_id)
    page = page_params(request, default=40, most=80)
    rows = queryset_page(Reaction.objects.filter(post=post).select_related("actor__unit"), page)
    return paged_response(
        request,
        [s.account(request, r.actor) for r in rows],
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )


@router.get(
    "/statuses/{int:status_id}/reblogged_by", auth=OPTIONAL_AUTH, summary="Who shared (Mastodon)"
)
def status_reblogged_by(request: HttpRequest, status_id: int) -> JsonResponse:
    post = _hydrated(request, status_id)
    page = page_params(request, default=40, most=80)
    rows = queryset_page(Post.objects.filter(reblog_of=post).select_related("author__unit"), page)
    return paged_response(
        request,
        [s.account(request, r.author) for r in rows],
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )


def _poll_answer(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    post_id = Poll.objects.filter(pk=poll_id).values_list("post_id", flat=True).first()
    if post_id is None:
        raise NotFound(_("Record not found"))
    status_body = _one(request, post_id)
    answer: dict[str, Any] | None = status_body["poll"]
    if answer is None:
        raise NotFound(_("Record not found"))
    return answer


@router.get("/polls/{int:poll_id}", auth=OPTIONAL_AUTH, summary="A poll (Mastodon)")
def poll_detail(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    return _poll_answer(request, poll_id)


@router.post("/polls/{int:poll_id}/votes", summary="Vote in a poll (Mastodon)")
def poll_votes(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    from vcnet.social.services.polls import poll_vote

    data, _files = all_params(request)
    choices = id_list(data.get("choices"))
    if not choices:
        raise Unprocessable(_("Validation failed: choices: choose at least one option."))
    poll_vote(user=me(request), poll_id=poll_id, choices=choices)
    return _poll_answer(request, poll_id)


def _post_list(
    request: HttpRequest, ids: list[int], *, next_max_id: int | None, prev_min_id: int | None
) -> JsonResponse:
    from vcnet.social.selectors.posts import posts_hydrate

    user = viewer(request)
    posts = posts_hydrate(user, ids)
    return paged_response(
        request, s.statuses(request, user, posts), next_max_id=next_max_id, prev_min_id=prev_min_id
    )


@router.get("/bookmarks", summary="My bookmarks (Mastodon)")
def bookmarks(request: HttpRequest) -> JsonResponse:
    from vcnet.social.models import Bookmark
    from vcnet.social.services.actors import actor_for_user

    page = page_params(request)
    rows = queryset_page(Bookmark.objects.filter(actor=actor_for_user(me(request))), page)
    return _post_list(
        request,
        [r.post_id for r in rows],
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )


@router.get("/favourites", summary="Posts I reacted to (Mastodon)")
def favourites(request: HttpRequest) -> JsonResponse:
    from vcnet.social.services.actors import actor_for_user

    page = page_params(request)
    rows = queryset_page(Reaction.objects.filter(actor=actor_for_user(me(request))), page)
    return _post_list(
        request,
        [r.post_id for r in rows],
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )
