"""Search in the social network: posts, people and pages, groups and hashtags.

Everything goes through the shared index (`vcnet.core.search`), folded without diacritics
("chuyen doi so" finds "chuyển đổi số", "đ" is "d"). Each entry carries the scope of the
people who may see it:

- "public": public posts outside private and unit groups, profiles, public and private
  groups (a private group is found so that people can ask to join), hashtags;
- "social.followers:<author actor id>": followers-only posts;
- "social.unit:<unit id>": posts for a unit, and unit groups;
- "social.group:<group id>": posts in a private or unit group.

Scopes are the first filter; every post hit is checked again with
`vcnet.social.access.visible_posts_q` inside the same query (`within=`), so blocks, a group
that turned private or a follow that ended never leak a post. Index on commit: the services
call `post_index`, `actor_index`, `group_index`, `hashtag_index`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from vcnet.accounts.models import Membership, User
from vcnet.core.models import SearchEntry
from vcnet.core.search import PUBLIC, SearchDoc, search_index_many, search_query, search_remove
from vcnet.social.models import (
    Actor,
    ActorKind,
    Block,
    Follow,
    Group,
    GroupKind,
    GroupMembership,
    Hashtag,
    MemberState,
    PageRole,
    Post,
    PostHashtag,
    Visibility,
)

__all__ = [
    "ACTOR_TYPE",
    "GROUP_TYPE",
    "HASHTAG_TYPE",
    "POST_TYPE",
    "SEARCH_TYPES",
    "SocialResults",
    "actor_index",
    "group_index",
    "hashtag_index",
    "post_index",
    "social_reindex",
    "social_search",
    "viewer_scopes",
]

POST_TYPE = "social.post"
ACTOR_TYPE = "social.actor"
GROUP_TYPE = "social.group"
HASHTAG_TYPE = "social.hashtag"
ALL_TYPES = (POST_TYPE, ACTOR_TYPE, GROUP_TYPE, HASHTAG_TYPE)
# The `type` argument of `social_search`: Mastodon's three, plus people and pages apart.
SEARCH_TYPES = ("posts", "accounts", "people", "pages", "groups", "hashtags")
MAX_LIMIT = 40


def followers_scope(actor_id: int) -> str:
    return f"social.followers:{actor_id}"


def unit_scope(unit_id: int) -> str:
    return f"social.unit:{unit_id}"


def group_scope(group_id: int) -> str:
    return f"social.group:{group_id}"


# --- Indexing ------------------------------------------------------------------------------


def _post_scope(post: Post) -> str:
    group: Group | None = post.group
    if group is not None and group.kind != GroupKind.PUBLIC:
        return group_scope(group.pk)
    if post.visibility == Visibility.FOLLOWERS:
        return followers_scope(post.author_id)
    if post.visibility == Visibility.UNIT and post.unit_id:
        return unit_scope(post.unit_id)
    return PUBLIC


def _post_doc(post: Post) -> SearchDoc | None:
    if post.reblog_of_id is not None:
        return None  # a plain share has no words of its own; the original is indexed
    body = [post.text]
    poll = getattr(post, "poll", None)  # a missing reverse one-to-one is an AttributeError
    if poll is not None:
        body.extend(option.title for option in poll.options.all())
    media_descriptions = [m.description for m in post.media.all() if m.description]
    body.extend(media_descriptions)
    return SearchDoc(
        obj_type=POST_TYPE,
        obj_id=post.pk,
        title=post.content_warning,
        body="\n".join(part for part in body if part),
        scope=_post_scope(post),
    )


def _posts_qs() -> QuerySet[Post]:
    return Post.objects.select_related("group", "poll").prefetch_related("poll__options", "media")


def post_index(post_id: int) -> None:
    """Put post `post_id` in the index (or take it out when it is gone or a plain share)."""
    post = _posts_qs().filter(pk=post_id).first()
    doc = _post_doc(post) if post is not None else None
    if doc is None:
        search_remove(POST_TYPE, post_id)
        return
    # The post's hashtags too: a new tag becomes findable with its first post.
    tags = Hashtag.objects.filter(
        pk__in=PostHashtag.objects.filter(post_id=post_id).values("hashtag_id")
    )
    search_index_many([doc, *(_hashtag_doc(tag) for tag in tags)])


def post_unindex(post_id: int) -> None:
    """Take post `post_id` out of the index (after it was deleted)."""
    search_remove(POST_TYPE, post_id)


def _actor_doc(actor: Actor) -> SearchDoc:
    return SearchDoc(
        obj_type=ACTOR_TYPE,
        obj_id=actor.pk,
        title=actor.display_name,
        body=f"@{actor.handle}\n{actor.bio}",
        scope=PUBLIC,
    )


def actor_index(actor_id: int) -> None:
    """Put a person's profile or a page in the index."""
    actor = Actor.objects.filter(pk=actor_id).first()
    if actor is None:
        search_remove(ACTOR_TYPE, actor_id)
        return
    search_index_many([_actor_doc(actor)])


def _group_doc(group: Group) -> SearchDoc:
    scope = unit_scope(group.unit_id) if group.kind == GroupKind.UNIT and group.unit_id else PUBLIC
    return SearchDoc(
        obj_type=GROUP_TYPE,
        obj_id=group.pk,
        title=group.name,
        body=f"{group.slug}\n{group.description}",
        scope=scope,
    )


def group_index(group_id: int) -> None:
    """Put a group in the index, and re-scope its posts (its kind may have changed)."""
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        search_remove(GROUP_TYPE, group_id)
        return
    search_index_many([_group_doc(group)])
    if Post.objects.filter(group_id=group_id).exists():
        search_index_many(_docs(_post_doc(p) for p in _posts_qs().filter(group_id=group_id)))


def _hashtag_doc(tag: Hashtag) -> SearchDoc:
    # "#ChuyểnĐổiSố" is also found by "chuyen doi so": its words, split at the capitals.
    spaced = _split_words(tag.name)
    return SearchDoc(
        obj_type=HASHTAG_TYPE,
        obj_id=tag.pk,
        title=f"#{tag.name}",
        body=spaced if spaced != tag.name else "",
        scope=PUBLIC,
    )


def _split_words(name: str) -> str:
    """ "ChuyểnĐổiSố" -> "Chuyển Đổi Số", "phong_chong_lu" -> "phong chong lu"."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch == "_":
            out.append(" ")
            continue
        if i and ch.isupper() and name[i - 1].islower():
            out.append(" ")
        out.append(ch)
    return " ".join("".join(out).split())


def hashtag_index(hashtag_id: int) -> None:
    """Put a hashtag in the index."""
    tag = Hashtag.objects.filter(pk=hashtag_id).first()
    if tag is None:
        search_remove(HASHTAG_TYPE, hashtag_id)
        return
    search_index_many([_hashtag_doc(tag)])


def _docs(docs: Iterable[SearchDoc | None]) -> Iterator[SearchDoc]:
    return (doc for doc in docs if doc is not None)


def social_reindex() -> dict[str, int]:
    """Rebuild the social network's part of the index; returns how many of each were indexed."""
    counts = {
        POST_TYPE: search_index_many(
            _docs(_post_doc(p) for p in _posts_qs().order_by("id").iterator(chunk_size=1000))
        ),
        ACTOR_TYPE: search_index_many(
            _actor_doc(a) for a in Actor.objects.order_by("id").iterator(chunk_size=1000)
        ),
        GROUP_TYPE: search_index_many(
            _group_doc(g) for g in Group.objects.order_by("id").iterator(chunk_size=1000)
        ),
        HASHTAG_TYPE: search_index_many(
            _hashtag_doc(t) for t in Hashtag.objects.order_by("id").iterator(chunk_size=1000)
        ),
    }
    models: dict[str, Any] = {
        POST_TYPE: Post.objects.filter(reblog_of__isnull=True),
        ACTOR_TYPE: Actor.objects.all(),
        GROUP_TYPE: Group.objects.all(),
        HASHTAG_TYPE: Hashtag.objects.all(),
    }
    for obj_type, live in models.items():
        ids = {str(pk) for pk in live.values_list("pk", flat=True)}
        indexed = SearchEntry.objects.filter(object_type=obj_type).values_list(
            "object_id", flat=True
        )
        for stale in set(indexed) - ids:
            search_remove(obj_type, stale)
    return counts


# --- Querying ------------------------------------------------------------------------------


def _viewer_actor_id(user: User | None) -> int | None:
    if user is None or not user.is_authenticated:
        return None
    return Actor.objects.filter(user=user).values_list("id", flat=True).first()


def _unit_ids(user: User | None) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).values_list("unit_id", flat=True).distinct())


def viewer_scopes(user: User | None) -> list[str]:
    """The index scopes `user` may read (anonymous: "public" only)."""
    scopes = [PUBLIC]
    if user is None or not user.is_authenticated:
        return scopes
    actor_id = _viewer_actor_id(user)
    if actor_id is not None:
        scopes.append(followers_scope(actor_id))
    pages = PageRole.objects.filter(user=user).values_list("page_id", flat=True)
    scopes.extend(followers_scope(page_id) for page_id in pages)  # posts of pages they edit
    if actor_id is not None:
        targets = Follow.objects.filter(follower_id=actor_id).values_list("target_id", flat=True)
        scopes.extend(followers_scope(t) for t in targets)
    unit_ids = _unit_ids(user)
    scopes.extend(unit_scope(u) for u in unit_ids)
    group_ids = GroupMembership.objects.filter(user=user, state=MemberState.ACTIVE).values_list(
        "group_id", flat=True
    )
    scopes.extend(group_scope(g) for g in group_ids)
    if unit_ids:
        unit_groups = Group.objects.filter(kind=GroupKind.UNIT, unit_id__in=unit_ids)
        scopes.extend(group_scope(g) for g in unit_groups.values_list("id", flat=True))
    return sorted(set(scopes))


@dataclass
class SocialResults:
    """What a search found, by kind, in rank order; `snippets` maps a post id to its excerpt."""

    q: str
    posts: list[Post] = field(default_factory=list)
    accounts: list[Actor] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    hashtags: list[Hashtag] = field(default_factory=list)
    snippets: dict[int, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.posts or self.accounts or self.groups or self.hashtags)


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """A one-column queryset of ids as strings, for `search_query(within=...)`."""
    return queryset.order_by().annotate(sid=Cast("id", CharField())).values("sid")


def _posts_within(
    user: User | None,
    *,
    author_id: int | None,
    group_id: int | None,
    since: dt.date | dt.datetime | None,
    until: dt.date | dt.datetime | None,
) -> QuerySet[Post]:
    from vcnet.social.access import visible_posts_q
    from vcnet.social.feeds.db import reach_q

    posts = Post.objects.filter(visible_posts_q(user), reach_q(user), reblog_of__isnull=True)
    if author_id is not None:
        posts = posts.filter(author_id=author_id)
    if group_id is not None:
        posts = posts.filter(group_id=group_id)
    if since is not None:
        if isinstance(since, dt.datetime):
            posts = posts.filter(created_at__gte=since)
        else:
            posts = posts.filter(created_at__date__gte=since)
    if until is not None:
        if isinstance(until, dt.datetime):
            posts = posts.filter(created_at__lte=until)
        else:
            posts = posts.filter(created_at__date__lte=until)
    return posts


def _hydrate_posts(user: User | None, ids: list[int]) -> list[Post]:
    from vcnet.social.selectors.posts import posts_hydrate

    return posts_hydrate(user, ids)


def _search_posts(
    user: User | None,
    q: str,
    scopes: list[str],
    limit: int,
    filters: dict[str, Any],
) -> tuple[list[Post], dict[int, str]]:
    within = _ids(_posts_within(user, **filters))
    hits = search_query(q, scopes=scopes, types=[POST_TYPE], limit=limit, within=within)
    ids = [int(hit.object_id) for hit in hits]
    snippets = {int(hit.object_id): hit.snippet for hit in hits}
    return _hydrate_posts(user, ids), snippets


def _search_actors(
    user: User | None, q: str, scopes: list[str], limit: int, kind: str | None
) -> list[Actor]:
    actors = Actor.objects.all()
    if kind is not None:
        actors = actors.filter(kind=kind)
    actor_id = _viewer_actor_id(user)
    if actor_id is not None:  # people who block the viewer are not found by them
        actors = actors.exclude(pk__in=Block.objects.filter(target_id=actor_id).values("actor_id"))
    hits = search_query(q, scopes=scopes, types=[ACTOR_TYPE], limit=limit, within=_ids(actors))
    found = Actor.objects.select_related("unit").in_bulk([int(h.object_id) for h in hits])
    return [found[int(h.object_id)] for h in hits if int(h.object_id) in found]


def _search_groups(user: User | None, q: str, scopes: list[str], limit: int) -> list[Group]:
    groups = Group.objects.filter(
        Q(kind__in=[GroupKind.PUBLIC, GroupKind.PRIVATE]) | Q(unit_id__in=_unit_ids(user)),
        removed_at__isnull=True,  # removed by moderators: nobody finds it
    )
    hits = search_query(q, scopes=scopes, types=[GROUP_TYPE], limit=limit, within=_ids(groups))
    found = Group.objects.select_related("unit").in_bulk([int(h.object_id) for h in hits])
    return [found[int(h.object_id)] for h in hits if int(h.object_id) in found]


def _search_hashtags(q: str, limit: int) -> list[Hashtag]:
    hits = search_query(q, scopes=[PUBLIC], types=[HASHTAG_TYPE], limit=limit)
    found = Hashtag.objects.in_bulk([int(h.object_id) for h in hits])
    return [found[int(h.object_id)] for h in hits if int(h.object_id) in found]


def social_search(
    user: User | None,
    q: str,
    *,
    type: str | None = None,
    author_id: int | None = None,
    group_id: int | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SocialResults:
    """Search posts, accounts, groups and hashtags that `user` may see; `type` picks one kind.

    `author_id`, `group_id`, `since` and `until` (dates are whole days, local time) filter
    posts; when one is given and `type` is None, only posts are searched. `offset` skips the
    first hits of each kind (Mastodon's paging).
    """
    if type is not None and type not in SEARCH_TYPES:
        raise ValueError(f"Unknown search type {type!r}.")
    results = SocialResults(q=q)
    if not (q or "").strip():
        return results
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    wanted = limit + offset
    scopes = viewer_scopes(user)
    post_filters = {"author_id": author_id, "group_id": group_id, "since": since, "until": until}
    if type in (None, "posts"):
        posts, snippets = _search_posts(user, q, scopes, wanted, post_filters)
        results.posts = posts[offset:]
        results.snippets = snippets
    if type is None and any(value is not None for value in post_filters.values()):
        return results  # the filters are about posts: other kinds have no author, time or group
    if type in (None, "accounts", "people", "pages"):
        kind = {"people": ActorKind.PERSON, "pages": ActorKind.PAGE}.get(type or "")
        results.accounts = _search_actors(user, q, scopes, wanted, kind)[offset:]
    if type in (None, "groups"):
        results.groups = _search_groups(user, q, scopes, wanted)[offset:]
    if type in (None, "hashtags"):
        results.hashtags = _search_hashtags(q, wanted)[offset:]
    return results
