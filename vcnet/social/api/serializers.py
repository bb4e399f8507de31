"""Mastodon's JSON entities (docs.joinmastodon.org/entities/) built from VCNET's models.

Ids are strings, times ISO 8601 in UTC. Accounts carry a `vcnet` object (kind, verified,
unit); statuses one with the VCNET visibility, group, quote and reaction counts, and what
moderation did to the post (state, warning, labels, the context note shown). Lists are
serialized with a fixed number of queries (`StatusContext` loads what a page needs at once).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks

from vcnet.accounts.models import User
from vcnet.social import kinds
from vcnet.social.models import (
    Actor,
    Hashtag,
    MediaAttachment,
    Mention,
    Poll,
    PollVote,
    Post,
    PostEdit,
    PostHashtag,
    Visibility,
)
from vcnet.social.selectors.actors import Relationship

# VCNET visibility -> Mastodon's; unit and group posts are "private" (limited) to Mastodon apps.
MASTODON_VISIBILITY: dict[str, str] = {
    Visibility.PUBLIC: "public",
    Visibility.FOLLOWERS: "private",
    Visibility.UNIT: "private",
    Visibility.GROUP: "private",
}


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds, as Mastodon writes times."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def file_url(request: HttpRequest, value: FieldFile | None) -> str | None:
    if not value:
        return None
    return absolute(request, value.url)


def _path(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def profile_path(actor: Actor) -> str:
    return _path("social:profile", handle=actor.handle) or f"/social/@{actor.handle}/"


def post_path(post_id: int) -> str:
    return _path("social:post", post_id=post_id) or f"/social/posts/{post_id}/"


def account(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Mastodon's Account."""
    avatar = file_url(request, actor.avatar) or absolute(
        request, settings.STATIC_URL + "core/icons/icon-192.png"
    )
    header = file_url(request, actor.header) or ""
    url = absolute(request, profile_path(actor))
    return {
        "id": str(actor.pk),
        "username": actor.handle,
        "acct": actor.handle,
        "display_name": actor.display_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": iso(actor.created_at),
        "note": linebreaks(escape(actor.bio)) if actor.bio else "",
        "url": url,
        "uri": url,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": actor.followers_count,
        "following_count": actor.following_count,
        "statuses_count": actor.posts_count,
        "last_status_at": actor.last_post_at.date().isoformat() if actor.last_post_at else None,
        "emojis": [],
        "fields": [],
        "vcnet": {
            "kind": actor.kind,
            "verified": actor.verified,
            "unit": ({"id": str(actor.unit.pk), "name": actor.unit.name} if actor.unit else None),
        },
    }


def credential_account(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Mastodon's CredentialAccount: the Account plus `source` (what the owner edits)."""
    data = account(request, actor)
    data["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": "vi",
        "note": actor.bio,
        "fields": [],
        "follow_requests_count": 0,
    }
    return data


def relationship(rel: Relationship) -> dict[str, Any]:
    """Mastodon's Relationship."""
    return {
        "id": str(rel.id),
        "following": rel.following,
        "showing_reblogs": rel.showing_reblogs,
        "notifying": rel.notifying,
        "languages": None,
        "followed_by": rel.followed_by,
        "blocking": rel.blocking,
        "blocked_by": rel.blocked_by,
        "muting": rel.muting,
        "muting_notifications": rel.muting_notifications,
        "requested": rel.requested,
        "requested_by": rel.requested_by,
        "domain_blocking": rel.domain_blocking,
        "endorsed": rel.endorsed,
        "note": rel.note,
    }


def media(request: HttpRequest, item: MediaAttachment) -> dict[str, Any]:
    """Mastodon's MediaAttachment (images only)."""
    url = file_url(request, item.file)
    preview = file_url(request, item.thumbnail) or url
    width, height = item.width or 0, item.height or 0
    original: dict[str, Any] = {"width": width, "height": height}
    if width and height:
        original.update(size=f"{width}x{height}", aspect=round(width / height, 4))
    return {
        "id": str(item.pk),
        "type": "image",
        "url": url,
        "preview_url": preview,
        "remote_url": None,
        "text_url": None,
        "meta": {"original": original, "small": dict(original)},
        "description": item.description or None,
        "blurhash": None,
    }


def tag(request: HttpRequest, hashtag: Hashtag) -> dict[str, Any]:
    """Mastodon's Tag."""
    return {
        "name": hashtag.name,
        "url": absolute(
            request, _path("social:tag", tag=hashtag.folded) or f"/social/tags/{hashtag.folded}/"
        ),
        "history": [],
        "following": False,
    }


def poll(poll_obj: Poll, own_votes: list[int] | None) -> dict[str, Any]:
    """Mastodon's Poll; `own_votes` are the viewer's option positions (None when anonymous)."""
    return {
        "id": str(poll_obj.pk),
        "expires_at": iso(poll_obj.expires_at),
        "expired": poll_obj.expired,
        "multiple": poll_obj.multiple,
        "votes_count": poll_obj.votes_count,
        "voters_count": poll_obj.voters_count,
        "options": [
            {"title": option.title, "votes_count": option.votes_count}
            for option in poll_obj.options.all()
        ],
        "emojis": [],
        "voted": bool(own_votes) if own_votes is not None else False,
        "own_votes": own_votes or [],
    }


@dataclass
class StatusContext:
    """What serializing a list of posts needs, loaded in a few queries for the whole list."""

    request: HttpRequest
    user: User | None
    states: dict[int, Any] = field(default_factory=dict)
    mentions: dict[int, list[Actor]] = field(default_factory=dict)
    tags: dict[int, list[Hashtag]] = field(default_factory=dict)
    votes: dict[int, list[int]] = field(default_factory=dict)
    voter: bool = False

    @classmethod
    def load(cls, request: HttpRequest, user: User | None, posts: list[Post]) -> StatusContext:
        from vcnet.social.access import viewer_state

        every = _with_inner(posts)
        ids = [p.pk for p in every]
        # Pages' units and replied-to posts, in one query each rather than one per post.
        prefetch_related_objects([p.author for p in every], "unit")
        prefetch_related_objects([p for p in every if p.in_reply_to_id], "in_reply_to")
        ctx = cls(request=request, user=user)
        ctx.states = viewer_state(user, every) if every else {}
        mentions: dict[int, list[Actor]] = defaultdict(list)
        for row in Mention.objects.filter(post_id__in=ids).select_related("actor", "actor__unit"):
            mentions[row.post_id].append(row.actor)
        ctx.mentions = dict(mentions)
        tags: dict[int, list[Hashtag]] = defaultdict(list)
        for link in PostHashtag.objects.filter(post_id__in=ids).select_related("hashtag"):
            tags[link.post_id].append(link.hashtag)
        ctx.tags = dict(tags)
        poll_ids = [p.poll.pk for p in every if _poll_of(p) is not None]
        if user is not None and user.is_authenticated:
            from vcnet.social.services.actors import actor_for_user

            ctx.voter = True
            if poll_ids:
                votes: dict[int, list[int]] = defaultdict(list)
                for poll_id, position in PollVote.objects.filter(
                    poll_id__in=poll_ids, voter=actor_for_user(user)
                ).values_list("poll_id", "option__position"):
                    votes[poll_id].append(position)
                ctx.votes = dict(votes)
        return ctx


def _poll_of(post: Post) -> Poll | None:
    try:
        return post.poll
    except Poll.DoesNotExist:
        return None


def _with_inner(posts: list[Post]) -> list[Post]:
    every: dict[int, Post] = {}
    for post in posts:
        every[post.pk] = post
        for inner in (post.reblog_of, post.quote_of):
            if inner is not None:
                every.setdefault(inner.pk, inner)
    return list(every.values())


def _in_reply_to_account(post: Post) -> str | None:
    parent = post.in_reply_to
    return str(parent.author_id) if parent is not None else None


def _label(item: dict[str, Any]) -> dict[str, Any]:
    """A moderation label or clarification on a post, as the web page shows it."""
    return {
        "kind": item.get("kind", "label"),
        "text": item.get("text", ""),
        "url": item.get("url", ""),
        "verdict": item.get("verdict") or None,
    }


def _context_note(note: dict[str, Any] | None) -> dict[str, Any] | None:
    """The context note readers rated helpful, shown under the post (None when there is none)."""
    if not note:
        return None
    return {
        "id": str(note.get("id", "")),
        "html": note.get("html", ""),
        "sources": [
            {"url": s.get("url", ""), "title": s.get("title", "")}
            for s in note.get("sources") or []
        ],
        "url": note.get("url", ""),
    }


def status(ctx: StatusContext, post: Post, *, nested: bool = True) -> dict[str, Any]:
    """Mastodon's Status (a share carries the shared post in `reblog`)."""
    request = ctx.request
    state = ctx.states.get(post.pk)
    url = absolute(request, post_path(post.pk))
    reblog = None
    if post.reblog_of_id and nested and post.reblog_of is not None:
        reblog = status(ctx, post.reblog_of, nested=False)
    poll_obj = _poll_of(post)
    counts = post.reaction_counts or {}
    data: dict[str, Any] = {
        "id": str(post.pk),
        "uri": url,
        "url": url,
        "created_at": iso(post.created_at),
        "edited_at": iso(post.edited_at),
        "account": account(request, post.author),
        "content": post.html,
        "visibility": MASTODON_VISIBILITY.get(post.visibility, "private"),
        # A moderator's warning hides the post in Mastodon apps too (their own CW comes first).
        "sensitive": post.sensitive or bool(post.content_warning) or bool(post.warning),
        "spoiler_text": post.content_warning or post.warning,
        "media_attachments": [media(request, m) for m in post.media.all()],
        "application": None,
        "mentions": [
            {
                "id": str(a.pk),
                "username": a.handle,
                "acct": a.handle,
                "url": absolute(request, profile_path(a)),
            }
            for a in ctx.mentions.get(post.pk, [])
        ],
        "tags": [tag(request, t) for t in ctx.tags.get(post.pk, [])],
        "emojis": [],
        "reblogs_count": post.reblogs_count,
        "favourites_count": post.reactions_count,
        "replies_count": post.replies_count,
        "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
        "in_reply_to_account_id": _in_reply_to_account(post) if post.in_reply_to_id else None,
        "reblog": reblog,
        "poll": (
            poll(poll_obj, ctx.votes.get(poll_obj.pk, []) if ctx.voter else None)
            if poll_obj is not None
            else None
        ),
        "card": None,
        "language": post.language or None,
        "text": None,
        "filtered": [],
        "vcnet": {
            "visibility": post.visibility,
            "group_id": str(post.group_id) if post.group_id else None,
            "unit_id": str(post.unit_id) if post.unit_id else None,
            "quote_id": str(post.quote_of_id) if post.quote_of_id else None,
            "reply_policy": post.reply_policy,
            "reactions": counts,
            "reaction": getattr(state, "reaction", None),
            "state": post.state,
            "warning": post.warning or None,
            "labels": [_label(item) for item in post.labels or []],
            "context_note": _context_note(post.context_note),
        },
    }
    if ctx.voter:
        data.update(
            favourited=getattr(state, "reaction", None) is not None,
            reblogged=bool(getattr(state, "reblogged", False)),
            muted=bool(getattr(state, "muted", False)),
            bookmarked=bool(getattr(state, "bookmarked", False)),
            pinned=False,
        )
    return data


def statuses(request: HttpRequest, user: User | None, posts: list[Post]) -> list[dict[str, Any]]:
    """A list of statuses in a fixed number of queries."""
    ctx = StatusContext.load(request, user, posts)
    return [status(ctx, post) for post in posts]


def status_one(request: HttpRequest, user: User | None, post: Post) -> dict[str, Any]:
    return statuses(request, user, [post])[0]


def status_edit(request: HttpRequest, post: Post, edit: PostEdit | None) -> dict[str, Any]:
    """Mastodon's StatusEdit: one version (`edit` None means the current one)."""
    if edit is None:
        content, warning, created = (
            post.html,
            post.content_warning,
            post.edited_at or post.created_at,
        )
    else:
        from vcnet.social.text import render_markdown

        content, warning, created = (
            render_markdown(edit.text),
            edit.content_warning,
            edit.created_at,
        )
    return {
        "content": content,
        "spoiler_text": warning,
        "sensitive": post.sensitive or bool(warning),
        "created_at": iso(created),
        "account": account(request, post.author),
        "poll": None,
        "media_attachments": [media(request, m) for m in post.media.all()],
        "emojis": [],
    }


def notification_type(kind: str) -> str | None:
    return kinds.MASTODON_TYPES.get(kind)


def now_iso() -> str | None:
    return iso(timezone.now())
