"""Who may see a post or a group, and who may reply or post there: the one visibility rule.

Everything that lists or opens posts (feeds, search, the API, the pages) filters with
`visible_posts_q` or opens with `post_for_user`, so a post nobody may see looks like one that
does not exist (404). The filters are built from subqueries only: no query runs until the
caller's queryset does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import Membership, Role, User
from vcnet.core.errors import NotFound
from vcnet.social.models import (
    Actor,
    Block,
    Bookmark,
    Follow,
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    MemberState,
    Mention,
    Mute,
    PageRole,
    Post,
    PostState,
    Reaction,
    ReplyPolicy,
    Visibility,
)

MODERATOR_ROLES = (GroupRole.MODERATOR, GroupRole.OWNER)


def _signed_in(user: User | None) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _own_actor_ids(user: User) -> set[int]:
    """The person's actor and the pages they may post as (one query, two indexed look-ups)."""
    own = Actor.objects.filter(user_id=user.pk).order_by().values_list("pk", flat=True)
    pages = PageRole.objects.filter(user_id=user.pk).order_by().values_list("page_id", flat=True)
    return set(own.union(pages))


def own_actor_ids(user: User) -> set[int]:
    """The person's actor and the pages they may post as."""
    return _own_actor_ids(user)


def _mine_q(user: User, field: str) -> Q:
    """`field` (an actor id) is the person's own actor or a page they post as, lazily.

    Two subqueries rather than one `user_id = X OR id IN (...)`: PostgreSQL cannot use an index
    for that OR and would scan every actor inside every visibility check.
    """
    return Q(**{f"{field}__in": Actor.objects.filter(user_id=user.pk).values("pk")}) | Q(
        **{f"{field}__in": PageRole.objects.filter(user_id=user.pk).values("page_id")}
    )


def _unit_ids(user: User) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user_id=user.pk).values("unit_id")


def group_readable_q(viewer: User | None) -> Q:
    """A filter on Group: public groups; private ones the viewer is in; unit groups of their units."""
    q = Q(kind=GroupKind.PUBLIC)
    if not _signed_in(viewer):
        return q & Q(removed_at__isnull=True)
    active = GroupMembership.objects.filter(user_id=viewer.pk, state=MemberState.ACTIVE)
    q |= Q(kind=GroupKind.PRIVATE, pk__in=active.values("group_id"))
    q |= Q(kind=GroupKind.UNIT, unit_id__in=_unit_ids(viewer))
    return q & Q(removed_at__isnull=True)  # a group removed by moderators is gone for everyone


def visible_posts_q(viewer: User | None) -> Q:
    """A filter on Post for the posts `viewer` (None or anonymous: nobody signed in) may see."""
    readable_groups = Group.objects.filter(group_readable_q(viewer)).values("pk")
    in_readable_place = Q(group__isnull=True) | Q(group_id__in=readable_groups)
    out = Q(state=PostState.PUBLISHED)  # held and removed posts: their author alone
    if not _signed_in(viewer):
        return out & Q(visibility__in=(Visibility.PUBLIC, Visibility.GROUP)) & in_readable_place
    followed = Follow.objects.filter(follower__user_id=viewer.pk).values("target_id")
    shown = (
        Q(visibility=Visibility.PUBLIC)
        | Q(visibility=Visibility.FOLLOWERS) & _followers_ok(viewer, followed)
        | Q(visibility=Visibility.UNIT, unit_id__in=_unit_ids(viewer))
        | Q(visibility=Visibility.GROUP)
    )
    blocked = Block.objects.filter(actor__user_id=viewer.pk).values("target_id")
    blocking = Block.objects.filter(target__user_id=viewer.pk).values("actor_id")
    return (
        (_mine_q(viewer, "author_id") | (out & shown & in_readable_place))
        & ~Q(author_id__in=blocked)
        & ~Q(author_id__in=blocking)
    )


def _followers_ok(viewer: User, followed: QuerySet[Follow, Any]) -> Q:
    """A followers-only post: its author is followed; a comment follows its thread's top post."""
    return (
        Q(thread_root__isnull=True, author_id__in=followed)
        | Q(thread_root__author_id__in=followed)
        | _mine_q(viewer, "thread_root__author_id")
    )


def visible_posts(viewer: User | None) -> QuerySet[Post]:
    """Every post `viewer` may see."""
    return Post.objects.filter(visible_posts_q(viewer))


def post_for_user(user: User | None, post_id: int) -> Post:
    """The post if `user` may see it; NotFound otherwise, so nobody learns it exists."""
    post = (
        visible_posts(user)
        .select_related("author", "group", "thread_root", "in_reply_to")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise NotFound(_("Post not found."))
    return post


def group_for_user(user: User | None, slug_or_id: str | int) -> Group:
    """The group if `user` may read it; NotFound otherwise."""
    groups = Group.objects.filter(group_readable_q(user))
    if isinstance(slug_or_id, int) or str(slug_or_id).isdigit():
        group = groups.filter(pk=int(slug_or_id)).first()
    else:
        group = groups.filter(slug=str(slug_or_id)).first()
    if group is None:
        raise NotFound(_("Group not found."))
    return group


def can_post_in_group(user: User | None, group: Group) -> bool:
    """Members post in their groups: active members, or members of the unit for a unit group."""
    if not _signed_in(user):
        return False
    if GroupMembership.objects.filter(
        group_id=group.pk, user_id=user.pk, state=MemberState.ACTIVE
    ).exists():
        return True
    return (
        group.kind == GroupKind.UNIT
        and group.unit_id is not None
        and Membership.objects.filter(user_id=user.pk, unit_id=group.unit_id).exists()
    )


def moderated_groups_q(user: User) -> Q:
    """A filter on Group: the groups `user` moderates (moderator or owner; a unit group's unit
    administrators too). The one rule for moderation rights, in pages, services and buttons."""
    roles = GroupMembership.objects.filter(
        user_id=user.pk, state=MemberState.ACTIVE, role__in=MODERATOR_ROLES
    ).values("group_id")
    admin_units = Membership.objects.filter(user_id=user.pk, role=Role.UNIT_ADMIN).values("unit_id")
    return Q(pk__in=roles) | Q(kind=GroupKind.UNIT, unit_id__in=admin_units)


def is_group_moderator(user: User | None, group_id: int) -> bool:
    """Whether `user` moderates the group (see `moderated_groups_q`)."""
    if not _signed_in(user):
        return False
    return Group.objects.filter(moderated_groups_q(user), pk=group_id).exists()


def can_edit_post(user: User | None, post: Post) -> bool:
    """The author edits: the person themself, or an editor of the page that posted."""
    if not _signed_in(user) or post.reblog_of_id is not None:
        return False
    return post.author_id in _own_actor_ids(user)


def can_delete_post(user: User | None, post: Post) -> bool:
    """The author, a page editor, or a moderator of the post's group may delete it."""
    if can_edit_post(user, post):
        return True
    if post.reblog_of_id is not None and _signed_in(user):
        return Actor.objects.filter(pk=post.author_id, user_id=user.pk).exists()
    return post.group_id is not None and is_group_moderator(user, post.group_id)


def can_reply(user: User | None, post: Post) -> bool:
    """Whether `user` may comment on `post` (which they can see): blocks, group, reply policy."""
    if not _signed_in(user) or post.reblog_of_id is not None:
        return False
    states = viewer_state(user, [post])
    return states[post.pk].can_reply


@dataclass(frozen=True)
class PostViewerState:
    """What one viewer has done with a post and may do to it (for the buttons on it)."""

    reaction: str | None = None
    bookmarked: bool = False
    reblogged: bool = False
    muted: bool = False
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False


ANONYMOUS_STATE = PostViewerState()


def viewer_state(user: User | None, posts: list[Post]) -> dict[int, PostViewerState]:
    """The viewer's state on each post, keyed by post id, in a constant number of queries."""
    if not posts:
        return {}
    if not _signed_in(user):
        return {post.pk: ANONYMOUS_STATE for post in posts}
    ids = [post.pk for post in posts]
    roots = {post.pk: _policy_post(post) for post in posts}
    author_ids = {post.author_id for post in posts} | {r.author_id for r in roots.values()}
    me = Actor.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    own = _own_actor_ids(user)
    reactions: dict[int, str] = {}
    bookmarks: set[int] = set()
    reblogged: set[int] = set()
    muted: set[int] = set()
    following: set[int] = set()
    blocks: set[int] = set()
    mentioned: set[int] = set()
    if me is not None:
        reactions = dict(
            Reaction.objects.filter(actor_id=me, post_id__in=ids).values_list("post_id", "kind")
        )
        bookmarks = set(
            Bookmark.objects.filter(actor_id=me, post_id__in=ids).values_list("post_id", flat=True)
        )
        reblogged = set(
            Post.objects.filter(author_id=me, reblog_of_id__in=ids).values_list(
                "reblog_of_id", flat=True
            )
        )
        muted = set(
            Mute.objects.filter(actor_id=me, target_id__in=author_ids)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .values_list("target_id", flat=True)
        )
        following = set(
            Follow.objects.filter(follower_id=me, target_id__in=author_ids).values_list(
                "target_id", flat=True
            )
        )
        blocks = {
            target_id if actor_id == me else actor_id
            for actor_id, target_id in Block.objects.filter(
                Q(actor_id=me, target_id__in=author_ids) | Q(target_id=me, actor_id__in=author_ids)
            ).values_list("actor_id", "target_id")
        }
        policy_ids = {r.pk for r in roots.values() if r.reply_policy == ReplyPolicy.MENTIONED}
        if policy_ids:
            mentioned = set(
                Mention.objects.filter(actor_id=me, post_id__in=policy_ids).values_list(
                    "post_id", flat=True
                )
            )
    group_ids = {post.group_id for post in posts if post.group_id is not None}
    postable: set[int] = set()
    moderated: set[int] = set()
    if group_ids:
        postable = set(
            GroupMembership.objects.filter(
                user_id=user.pk, group_id__in=group_ids, state=MemberState.ACTIVE
            ).values_list("group_id", flat=True)
        )
        moderated = set(
            Group.objects.filter(moderated_groups_q(user), pk__in=group_ids).values_list(
                "pk", flat=True
            )
        )
        postable |= set(
            Group.objects.filter(
                pk__in=group_ids, kind=GroupKind.UNIT, unit_id__in=_unit_ids(user)
            ).values_list("pk", flat=True)
        )
    states: dict[int, PostViewerState] = {}
    for post in posts:
        root = roots[post.pk]
        mine = post.author_id in own
        reply_ok = (
            me is not None
            and post.reblog_of_id is None
            and post.author_id not in blocks
            and root.author_id not in blocks
            and (post.group_id is None or post.group_id in postable)
            and _policy_allows(root, own=own, following=following, mentioned=mentioned)
        )
        is_reblog = post.reblog_of_id is not None
        states[post.pk] = PostViewerState(
            reaction=reactions.get(post.pk),
            bookmarked=post.pk in bookmarks,
            reblogged=post.pk in reblogged,
            muted=post.author_id in muted,
            can_reply=reply_ok,
            can_edit=mine and not is_reblog,
            can_delete=(post.author_id == me if is_reblog else mine)
            or (post.group_id is not None and post.group_id in moderated),
        )
    return states


def _policy_post(post: Post) -> Post:
    """The post whose reply policy governs comments: the thread's top-level post."""
    if post.thread_root_id is None or post.thread_root_id == post.pk:
        return post
    root = post.thread_root  # select_related by the selectors; one query otherwise
    return root if root is not None else post


def _policy_allows(root: Post, *, own: set[int], following: set[int], mentioned: set[int]) -> bool:
    if root.author_id in own or root.reply_policy == ReplyPolicy.EVERYONE:
        return True
    if root.reply_policy == ReplyPolicy.FOLLOWERS:
        return root.author_id in following
    return root.pk in mentioned
