"""Writing posts: create (with comments, polls, images, tags, mentions), edit with history, delete,
and scheduled posts for official pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import Membership, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.text import fold, nfc
from vcnet.notifications.services import notify
from vcnet.social import kinds
from vcnet.social.access import (
    can_delete_post,
    can_edit_post,
    can_post_in_group,
    can_reply,
    group_readable_q,
    post_for_user,
    visible_posts_q,
)
from vcnet.social.models import (
    Actor,
    ActorKind,
    Group,
    Hashtag,
    Mention,
    PageRole,
    Post,
    PostEdit,
    PostHashtag,
    PostState,
    ReplyPolicy,
    ScheduledPost,
    Visibility,
)
from vcnet.social.services.polls import PollSpec, poll_attach
from vcnet.social.text import extract_hashtags, extract_mentions, render_markdown

__all__ = [
    "MAX_TEXT",
    "PollSpec",
    "post_create",
    "post_delete",
    "post_edit",
    "scheduled_post_create",
    "scheduled_posts_publish_due",
]

MAX_TEXT = 5000
MAX_CONTENT_WARNING = 200


def _max_mentions() -> int:
    return int(getattr(settings, "SOCIAL_MAX_MENTIONS", 10))


def post_url(post_id: int) -> str:
    return f"/social/posts/{post_id}/"


def _signed_in(user: User) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDeniedError(_("Please sign in first."), code="not_signed_in")


def _clean_text(text: str, content_warning: str) -> tuple[str, str]:
    text = nfc(text or "").strip()
    content_warning = nfc(content_warning or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(
            _("A post can be at most %(limit)d characters long.") % {"limit": MAX_TEXT},
            code="text_too_long",
        )
    if len(content_warning) > MAX_CONTENT_WARNING:
        raise DomainError(
            _("A content warning can be at most %(limit)d characters long.")
            % {"limit": MAX_CONTENT_WARNING},
            code="warning_too_long",
        )
    return text, content_warning


def _mentioned_actors(text: str) -> list[Actor]:
    handles = extract_mentions(text)
    if len(handles) > _max_mentions():
        raise DomainError(
            _("A post can mention at most %(limit)d people.") % {"limit": _max_mentions()},
            code="too_many_mentions",
        )
    if not handles:
        return []
    return list(Actor.objects.filter(handle__in=handles))


def _author(user: User, as_actor: Actor | None) -> Actor:
    from vcnet.social.services.actors import actor_for_user, can_post_as
    from vcnet.social.services.moderation import actor_sanction_check

    if as_actor is None:
        author = actor_for_user(user)
        actor_sanction_check(user, author)
        return author
    if not can_post_as(user, as_actor):
        raise PermissionDeniedError(_("You may not post as this profile."), code="not_your_actor")
    actor_sanction_check(user)
    actor_sanction_check(user, as_actor)
    return as_actor


def _review(user: User, post: Post, *, created: bool, poll_options: Sequence[str] = ()) -> bool:
    """Show the post to the moderation reviewers; hold it when one asks (True: held)."""
    from vcnet.social import hooks

    field = "comment" if post.in_reply_to_id else "post"
    descriptions = [m.description for m in post.media.all()] if post.pk else []
    reason = hooks.review(
        hooks.Submission(
            user=user,
            target=post,
            texts={
                field: [post.text, post.content_warning],
                "poll_option": list(poll_options),
                "media_description": descriptions,
            },
            created=created,
        )
    )
    if reason is None:
        return False
    post.state, post.state_reason = PostState.HELD, str(reason)[:500]
    post.save(update_fields=["state", "state_reason"])
    return True


def _unit_allowed(user: User, author: Actor, unit: Unit) -> bool:
    if author.kind == ActorKind.PAGE and author.unit_id == unit.pk:
        return True
    return Membership.objects.filter(user_id=user.pk, unit_id=unit.pk).exists()


def _link_hashtags(post: Post, names: Iterable[str]) -> None:
    """Tie `post` to its hashtags (made on first use) and count the new uses."""
    now = timezone.now()
    tag_ids = []
    for name in names:
        folded = fold(name)[:100]
        if not folded:
            continue
        tag, _created = Hashtag.objects.get_or_create(folded=folded, defaults={"name": name})
        tag_ids.append(tag.pk)
    existing = set(
        PostHashtag.objects.filter(post=post, hashtag_id__in=tag_ids).values_list(
            "hashtag_id", flat=True
        )
    )
    new_ids = [tag_id for tag_id in dict.fromkeys(tag_ids) if tag_id not in existing]
    if not new_ids:
        return
    PostHashtag.objects.bulk_create(PostHashtag(post=post, hashtag_id=i) for i in new_ids)
    Hashtag.objects.filter(pk__in=new_ids).update(
        posts_count=F("posts_count") + 1, last_used_at=now
    )


def _unlink_hashtags(post: Post, keep: Iterable[int] = ()) -> None:
    gone = PostHashtag.objects.filter(post=post).exclude(hashtag_id__in=list(keep))
    gone_ids = list(gone.values_list("hashtag_id", flat=True))
    if gone_ids:
        gone.delete()
        Hashtag.objects.filter(pk__in=gone_ids).update(
            posts_count=Greatest(F("posts_count") - 1, Value(0))
        )


def _actor_users(actor_ids: Iterable[int]) -> dict[int, list[int]]:
    """The people behind each actor: the person, or the page's editors."""
    ids = list(actor_ids)
    result: dict[int, list[int]] = {i: [] for i in ids}
    for actor_id, user_id in Actor.objects.filter(pk__in=ids, user__isnull=False).values_list(
        "pk", "user_id"
    ):
        result[actor_id].append(user_id)
    for page_id, user_id in PageRole.objects.filter(page_id__in=ids).values_list(
        "page_id", "user_id"
    ):
        result[page_id].append(user_id)
    return result


def _notify_after_commit(
    *, post_id: int, user: User, mentioned_ids: Sequence[int], replied_to_id: int | None
) -> None:
    """On commit: tell mentioned people and the author replied to (only those who can see it)."""

    def send() -> None:
        post = Post.objects.select_related("author").filter(pk=post_id).first()
        if post is None:
            return
        name = post.author.display_name
        body = post.text[:300]
        people = _actor_users([*mentioned_ids, *([replied_to_id] if replied_to_id else [])])
        mentioned_users = {u for i in mentioned_ids for u in people.get(i, [])}
        replied_users = set(people.get(replied_to_id, [])) if replied_to_id else set()
        replied_users -= mentioned_users
        viewers = {
            uid
            for uid in mentioned_users | replied_users
            if uid != user.pk and _can_see(uid, post_id)
        }
        if mentioned_users & viewers:
            notify(
                recipients=sorted(mentioned_users & viewers),
                kind=kinds.MENTION,
                title=str(_("%(name)s mentioned you in a post.") % {"name": name}),
                body=body,
                url=post_url(post_id),
                actor=user,
                obj=post,
            )
        if replied_users & viewers:
            notify(
                recipients=sorted(replied_users & viewers),
                kind=kinds.REPLY,
                title=str(_("%(name)s replied to your post.") % {"name": name}),
                body=body,
                url=post_url(post_id),
                actor=user,
                obj=post,
            )

    transaction.on_commit(send)


def _can_see(user_id: int, post_id: int) -> bool:
    viewer = User.objects.filter(pk=user_id, is_active=True).first()
    return viewer is not None and Post.objects.filter(visible_posts_q(viewer), pk=post_id).exists()


def _index_on_commit(post_id: int) -> None:
    def run() -> None:
        from vcnet.social import feeds, search

        feeds.feed_distribute(post_id)
        search.post_index(post_id)

    transaction.on_commit(run)


def _thread_place(user: User, in_reply_to: Post) -> tuple[Post, Post]:
    """(the post to hang the reply under, the thread's top-level post), threaded one level."""
    parent = post_for_user(user, in_reply_to.pk)
    if parent.reblog_of_id is not None:
        parent = post_for_user(user, parent.reblog_of_id)
    root = parent if parent.thread_root_id is None else post_for_user(user, parent.thread_root_id)
    if parent.in_reply_to_id is not None and parent.in_reply_to_id != root.pk:
        # A reply to a reply joins the first-level comment it answers: threads stay one level deep.
        parent = post_for_user(user, parent.in_reply_to_id)
    return parent, root


def post_create(
    *,
    user: User,
    text: str,
    as_actor: Actor | None = None,
    visibility: str = Visibility.PUBLIC,
    group: Group | None = None,
    unit: Unit | None = None,
    in_reply_to: Post | None = None,
    quote_of: Post | None = None,
    content_warning: str = "",
    sensitive: bool = False,
    reply_policy: str = ReplyPolicy.EVERYONE,
    media_ids: Sequence[int] = (),
    poll: PollSpec | None = None,
    language: str = "vi",
    request: HttpRequest | None = None,
) -> Post:
    """Publish a post, or a comment when `in_reply_to` is given."""
    from vcnet.social.limits import check_links, check_post
    from vcnet.social.services.media import media_for_post

    _signed_in(user)
    text, content_warning = _clean_text(text, content_warning)
    author = _author(user, as_actor)
    if visibility not in Visibility.values:
        raise DomainError(_("Choose who may see the post."), code="bad_visibility")
    if reply_policy not in ReplyPolicy.values:
        raise DomainError(_("Choose who may reply to the post."), code="bad_reply_policy")
    spec = poll.cleaned() if poll is not None else None
    media_ids = list(media_ids or [])
    if not text and not media_ids and spec is None:
        raise DomainError(_("Write something, or add an image or a poll."), code="empty_post")
    parent = root = None
    if in_reply_to is not None:
        parent, root = _thread_place(user, in_reply_to)
        if root.group_id is not None and not can_post_in_group(user, root.group):  # type: ignore[arg-type]
            raise NotFound(_("Group not found."))
        if not can_reply(user, root) or not can_reply(user, parent):
            raise PermissionDeniedError(_("You may not reply to this post."), code="reply_refused")
        visibility, group, unit = root.visibility, root.group, None
        if root.visibility == Visibility.UNIT:
            unit = Unit.objects.filter(pk=root.unit_id or 0).first()
        reply_policy = ReplyPolicy.EVERYONE
    elif group is not None:
        readable = Group.objects.filter(group_readable_q(user), pk=group.pk).exists()
        if not readable or not can_post_in_group(user, group):
            raise NotFound(_("Group not found."))
        visibility, unit = Visibility.GROUP, None
    elif visibility == Visibility.GROUP:
        raise DomainError(_("Choose the group to post in."), code="group_missing")
    elif visibility == Visibility.UNIT:
        if unit is None and author.kind == ActorKind.PAGE:
            unit = author.unit
        if unit is None or not _unit_allowed(user, author, unit):
            raise DomainError(_("Choose a unit you belong to."), code="unit_refused")
    else:
        unit = None
    if quote_of is not None:
        quote_of = post_for_user(user, quote_of.pk)
        if quote_of.reblog_of_id is not None:
            quote_of = post_for_user(user, quote_of.reblog_of_id)
        if quote_of.visibility != Visibility.PUBLIC:
            raise DomainError(_("Only public posts can be shared."), code="not_shareable")
    mentioned = _mentioned_actors(text)
    check_post(user)
    check_links(user, text, author=author)
    html = render_markdown(text, handles=[a.handle for a in mentioned])
    with transaction.atomic():
        media = media_for_post(user=user, media_ids=media_ids)
        post = Post.objects.create(
            author=author,
            created_by=user,
            text=text,
            html=html,
            content_warning=content_warning,
            sensitive=bool(sensitive),
            language=(language or "vi")[:8],
            visibility=visibility,
            unit=unit if visibility == Visibility.UNIT else None,
            group=group if visibility == Visibility.GROUP else None,
            reply_policy=reply_policy,
            in_reply_to=parent,
            thread_root=root,
            quote_of=quote_of,
        )
        for position, item in enumerate(media):
            item.post = post
            item.position = position
            item.save(update_fields=["post", "position"])
        if spec is not None:
            poll_attach(post=post, spec=spec)
        _link_hashtags(post, extract_hashtags(text))
        Mention.objects.bulk_create(Mention(post=post, actor=a) for a in mentioned)
        Actor.objects.filter(pk=author.pk).update(
            posts_count=F("posts_count") + 1, last_post_at=post.created_at
        )
        if root is not None and parent is not None:
            bump = {root.pk, parent.pk}
            Post.objects.filter(pk__in=bump).update(replies_count=F("replies_count") + 1)
        elif post.group_id is not None:
            Group.objects.filter(pk=post.group_id).update(posts_count=F("posts_count") + 1)
        held = _review(user, post, created=True, poll_options=spec.options if spec else ())
        audit_write(
            actor=user,
            action="social.post_create",
            obj=post,
            data={
                "author": author.handle,
                "visibility": visibility,
                "reply_to": parent and parent.pk,
                "held": held,
            },
            request=request,
        )
        if held:
            return post  # published (indexed, fanned out, notified) when a moderator approves
        _index_on_commit(post.pk)
        _notify_after_commit(
            post_id=post.pk,
            user=user,
            mentioned_ids=[a.pk for a in mentioned if a.pk != author.pk],
            replied_to_id=parent.author_id if parent is not None else None,
        )
    return post


def _editable(user: User, post_id: int) -> Post:
    _signed_in(user)
    post = post_for_user(user, post_id)
    if not can_edit_post(user, post):
        raise PermissionDeniedError(_("Only the author may edit this post."), code="not_author")
    return post


def post_edit(
    *,
    user: User,
    post_id: int,
    text: str,
    content_warning: str = "",
    sensitive: bool = False,
    request: HttpRequest | None = None,
) -> Post:
    """Change a post's text, keeping the earlier version in its history."""
    post = _editable(user, post_id)
    text, content_warning = _clean_text(text, content_warning)
    has_extras = post.media.exists() or hasattr(post, "poll")
    if not text and not has_extras:
        raise DomainError(_("Write something, or add an image or a poll."), code="empty_post")
    mentioned = _mentioned_actors(text)
    html = render_markdown(text, handles=[a.handle for a in mentioned])
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if (
            text == post.text
            and content_warning == post.content_warning
            and bool(sensitive) == post.sensitive
        ):
            return post
        PostEdit.objects.create(
            post=post,
            text=post.text,
            content_warning=post.content_warning,
            edited_by=user,
            created_at=post.edited_at or post.created_at,
        )
        post.text, post.html = text, html
        post.content_warning, post.sensitive = content_warning, bool(sensitive)
        post.edited_at = timezone.now()
        post.save(update_fields=["text", "html", "content_warning", "sensitive", "edited_at"])
        names = extract_hashtags(text)
        keep = Hashtag.objects.filter(folded__in=[fold(n)[:100] for n in names]).values_list(
            "pk", flat=True
        )
        _unlink_hashtags(post, keep=list(keep))
        _link_hashtags(post, names)
        already = set(Mention.objects.filter(post=post).values_list("actor_id", flat=True))
        new = [a for a in mentioned if a.pk not in already]
        Mention.objects.filter(post=post).exclude(actor_id__in=[a.pk for a in mentioned]).delete()
        Mention.objects.bulk_create(Mention(post=post, actor=a) for a in new)
        held = post.state == PostState.PUBLISHED and _review(user, post, created=False)
        audit_write(
            actor=user, action="social.post_edit", obj=post, data={"held": held}, request=request
        )
        if held:
            gone = [(post.pk, post.author_id)]
            transaction.on_commit(lambda: _retract(gone))
            return post
        _notify_after_commit(
            post_id=post.pk,
            user=user,
            mentioned_ids=[a.pk for a in new if a.pk != post.author_id],
            replied_to_id=None,
        )
        _tell_sharers(post, user)
        post_id_ = post.pk
        transaction.on_commit(lambda: _reindex(post_id_))
    return post


def _reindex(post_id: int) -> None:
    from vcnet.social import search

    search.post_index(post_id)


def _tell_sharers(post: Post, user: User) -> None:
    sharers = Post.objects.filter(reblog_of=post).values_list("author_id", flat=True)
    users = sorted({u for ids in _actor_users(set(sharers)).values() for u in ids} - {user.pk})
    if not users:
        return
    title = str(_("A post you shared was edited."))
    body, url = post.text[:300], post_url(post.pk)
    transaction.on_commit(
        lambda: notify(
            recipients=users, kind=kinds.POST_EDITED, title=title, body=body, url=url, actor=user
        )
    )


def post_delete(*, user: User, post_id: int, request: HttpRequest | None = None) -> None:
    """Delete a post with its comments and shares (author, page editor or group moderator)."""
    _signed_in(user)
    post = post_for_user(user, post_id)
    if not can_delete_post(user, post):
        raise PermissionDeniedError(_("You may not delete this post."), code="not_author")
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        gone = list(
            Post.objects.filter(
                Q(pk=post.pk)
                | Q(thread_root_id=post.pk)
                | Q(in_reply_to_id=post.pk)
                | Q(reblog_of_id=post.pk)
            ).values_list("pk", "author_id")
        )
        tag_ids = list(
            PostHashtag.objects.filter(post_id__in=[pk for pk, _a in gone]).values_list(
                "hashtag_id", flat=True
            )
        )
        decrement = {"replies_count": Greatest(F("replies_count") - 1, Value(0))}
        if post.thread_root_id is not None:
            parents = {post.thread_root_id, post.in_reply_to_id} - {None}
            Post.objects.filter(pk__in=parents).update(**decrement)
        elif post.group_id is not None:
            Group.objects.filter(pk=post.group_id).update(
                posts_count=Greatest(F("posts_count") - 1, Value(0))
            )
        if post.reblog_of_id is not None:
            Post.objects.filter(pk=post.reblog_of_id).update(
                reblogs_count=Greatest(F("reblogs_count") - 1, Value(0))
            )
        per_author: dict[int, int] = {}
        for _pk, author_id in gone:
            per_author[author_id] = per_author.get(author_id, 0) + 1
        for author_id, n in per_author.items():
            Actor.objects.filter(pk=author_id).update(
                posts_count=Greatest(F("posts_count") - n, Value(0))
            )
        for tag_id in tag_ids:
            Hashtag.objects.filter(pk=tag_id).update(
                posts_count=Greatest(F("posts_count") - 1, Value(0))
            )
        audit_write(
            actor=user,
            action="social.post_delete",
            obj=post,
            data={"author_id": post.author_id, "text": post.text[:500], "removed": len(gone)},
            request=request,
        )
        post.delete()
        transaction.on_commit(lambda: _retract(gone))


def _retract(gone: list[tuple[int, int]]) -> None:
    from vcnet.social import feeds, search

    for post_id, author_id in gone:
        feeds.feed_remove(post_id, author_id)
        search.post_unindex(post_id)


# --- scheduled posts (official pages) ---------------------------------------------------------

SCHEDULABLE = (
    "text",
    "visibility",
    "content_warning",
    "sensitive",
    "reply_policy",
    "media_ids",
    "language",
)


def scheduled_post_create(
    *, user: User, page: Actor, publish_at: dt.datetime, **post_kwargs: Any
) -> ScheduledPost:
    """Keep a page's post to publish at `publish_at` (editors of the page only)."""
    _signed_in(user)
    if page.kind != ActorKind.PAGE or not PageRole.objects.filter(page=page, user=user).exists():
        raise PermissionDeniedError(
            _("Only the page's editors may schedule its posts."), code="not_editor"
        )
    if publish_at <= timezone.now():
        raise DomainError(_("Choose a time in the future."), code="past_time")
    unknown = set(post_kwargs) - {*SCHEDULABLE, "poll"}
    if unknown:
        raise DomainError(_("These settings cannot be scheduled."), code="bad_params")
    params: dict[str, Any] = {k: v for k, v in post_kwargs.items() if k in SCHEDULABLE}
    text, _cw = _clean_text(str(params.get("text", "")), str(params.get("content_warning", "")))
    params["media_ids"] = [int(i) for i in params.get("media_ids") or []]
    poll = post_kwargs.get("poll")
    if poll is not None:
        params["poll"] = (
            (poll if isinstance(poll, PollSpec) else PollSpec(**poll)).cleaned().as_json()
        )
    if not text and not params["media_ids"] and "poll" not in params:
        raise DomainError(_("Write something, or add an image or a poll."), code="empty_post")
    _mentioned_actors(text)
    with transaction.atomic():
        scheduled = ScheduledPost.objects.create(
            author=page, created_by=user, params=params, publish_at=publish_at
        )
        audit_write(actor=user, action="social.post_schedule", obj=scheduled, request=None)
    return scheduled


def scheduled_posts_publish_due(now: dt.datetime | None = None) -> int:
    """Publish the scheduled posts whose time has come; returns how many were published."""
    now = now or timezone.now()
    due = list(
        ScheduledPost.objects.filter(
            state=ScheduledPost.State.WAITING, publish_at__lte=now
        ).values_list("pk", flat=True)[:200]
    )
    published = 0
    for scheduled_id in due:
        with transaction.atomic():
            scheduled = (
                ScheduledPost.objects.select_for_update(skip_locked=True)
                .select_related("author", "created_by")
                .filter(pk=scheduled_id, state=ScheduledPost.State.WAITING)
                .first()
            )
            if scheduled is None:
                continue
            params = dict(scheduled.params)
            poll = params.pop("poll", None)
            try:
                post = post_create(
                    user=scheduled.created_by,
                    as_actor=scheduled.author,
                    poll=PollSpec(**poll) if poll else None,
                    **params,
                )
            except DomainError as exc:
                scheduled.state = ScheduledPost.State.FAILED
                scheduled.error = str(exc.message)[:500]
                scheduled.save(update_fields=["state", "error"])
                continue
            scheduled.state, scheduled.post = ScheduledPost.State.PUBLISHED, post
            scheduled.save(update_fields=["state", "post"])
            published += 1
    return published
