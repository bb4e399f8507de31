"""The visibility rule: who sees which post and group; invisible looks like missing (404)."""

# ruff: noqa: F811  (the `world` fixture imported from conftest_posts is a parameter here)

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound
from vcnet.social.access import (
    can_post_in_group,
    can_reply,
    group_for_user,
    group_readable_q,
    post_for_user,
    viewer_state,
    visible_posts_q,
)
from vcnet.social.models import (
    Block,
    Bookmark,
    Group,
    GroupRole,
    Mention,
    Mute,
    Post,
    Reaction,
    ReplyPolicy,
    Visibility,
)
from vcnet.social.services.actors import actor_for_user
from vcnet.social.tests.conftest_posts import World, follow, join, raw_post, world  # noqa: F401

VIEWERS = ("anonymous", "an", "binh", "cuong", "dung", "editor", "leader")


def _viewer(name: str, world: World, leader: User) -> User | None:
    if name == "anonymous":
        return None
    if name == "leader":
        return leader
    return getattr(world, name)


def _make(kind: str, world: World) -> Post:
    an = actor_for_user(world.an)
    if kind == "public":
        return raw_post(an)
    if kind == "followers":
        return raw_post(an, visibility=Visibility.FOLLOWERS)
    if kind == "unit":
        return raw_post(an, visibility=Visibility.UNIT, unit=world.province)
    if kind == "other_unit":
        return raw_post(
            actor_for_user(world.dung), visibility=Visibility.UNIT, unit=world.other_province
        )
    if kind == "page_followers":
        return raw_post(world.page, visibility=Visibility.FOLLOWERS)
    group = {
        "public_group": world.public_group,
        "private_group": world.private_group,
        "unit_group": world.unit_group,
    }[kind]
    return raw_post(an, visibility=Visibility.GROUP, group=group)


# Who sees each kind of post. An is an official of the province and wrote them; Bình follows
# An and asked (pending) to join the private group; Cường is a citizen; Dung is an official of
# another province; the leader is An's colleague; the editor runs the province's page.
SEES = {
    "public": {"anonymous", "an", "binh", "cuong", "dung", "editor", "leader"},
    "followers": {"an", "binh"},
    "unit": {"an", "leader"},
    "other_unit": {"dung"},
    "page_followers": {"editor"},
    "public_group": {"anonymous", "an", "binh", "cuong", "dung", "editor", "leader"},
    "private_group": {"an"},
    "unit_group": {"an", "leader"},
}


@pytest.mark.parametrize("kind", sorted(SEES))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_visibility_matrix(world: World, leader: User, kind: str, viewer: str) -> None:
    post = _make(kind, world)
    user = _viewer(viewer, world, leader)
    expected = viewer in SEES[kind]
    assert Post.objects.filter(visible_posts_q(user), pk=post.pk).exists() is expected
    if expected:
        assert post_for_user(user, post.pk).pk == post.pk
    else:
        with pytest.raises(NotFound):
            post_for_user(user, post.pk)


def test_anonymous_user_object_same_as_none(world: World) -> None:
    posts = [_make(kind, world) for kind in SEES]
    anonymous: Any = AnonymousUser()
    seen = set(Post.objects.filter(visible_posts_q(anonymous)).values_list("pk", flat=True))
    assert seen == set(Post.objects.filter(visible_posts_q(None)).values_list("pk", flat=True))
    assert {
        p.pk
        for p in posts
        if p.visibility == Visibility.PUBLIC or p.group_id == world.public_group.pk
    } == seen


def test_follower_loses_followers_only_post_on_unfollow(world: World) -> None:
    post = _make("followers", world)
    assert post_for_user(world.binh, post.pk)
    actor_for_user(world.binh).following_set.all().delete()
    with pytest.raises(NotFound):
        post_for_user(world.binh, post.pk)


def test_private_group_member_after_acceptance(world: World) -> None:
    post = _make("private_group", world)
    with pytest.raises(NotFound):
        post_for_user(world.binh, post.pk)
    world.private_group.memberships.filter(user=world.binh).update(state="active")
    assert post_for_user(world.binh, post.pk).pk == post.pk


@pytest.mark.parametrize("direction", ["author_blocks", "viewer_blocks"])
def test_blocks_hide_posts_both_ways(world: World, direction: str) -> None:
    an, cuong = actor_for_user(world.an), actor_for_user(world.cuong)
    post = _make("public", world)
    assert post_for_user(world.cuong, post.pk)
    if direction == "author_blocks":
        Block.objects.create(actor=an, target=cuong)
    else:
        Block.objects.create(actor=cuong, target=an)
    with pytest.raises(NotFound):
        post_for_user(world.cuong, post.pk)
    # Others still see it; the author always sees their own post.
    assert post_for_user(world.binh, post.pk)
    assert post_for_user(world.an, post.pk)


def test_visible_posts_q_runs_no_query(world: World, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        visible_posts_q(world.binh)
        visible_posts_q(None)
        group_readable_q(world.binh)


def test_visible_posts_q_is_one_query(world: World, django_assert_num_queries: Any) -> None:
    for kind in SEES:
        _make(kind, world)
    with django_assert_num_queries(1):
        list(Post.objects.filter(visible_posts_q(world.an)))


@pytest.mark.parametrize(
    ("group_attr", "readers", "posters"),
    [
        ("public_group", {"anonymous", "an", "binh", "cuong", "dung", "leader"}, {"an"}),
        ("private_group", {"an"}, {"an"}),
        ("unit_group", {"an", "leader"}, {"an", "leader"}),
    ],
)
def test_groups_read_and_post(
    world: World, leader: User, group_attr: str, readers: set[str], posters: set[str]
) -> None:
    group: Group = getattr(world, group_attr)
    for name in ("anonymous", "an", "binh", "cuong", "dung", "leader"):
        user = _viewer(name, world, leader)
        readable = Group.objects.filter(group_readable_q(user), pk=group.pk).exists()
        assert readable is (name in readers), name
        assert can_post_in_group(user, group) is (name in posters), name
        if name in readers:
            assert group_for_user(user, group.slug).pk == group.pk
            assert group_for_user(user, group.pk).pk == group.pk
            assert group_for_user(user, str(group.pk)).pk == group.pk
        else:
            with pytest.raises(NotFound):
                group_for_user(user, group.slug)


def test_group_for_user_unknown(world: World) -> None:
    with pytest.raises(NotFound):
        group_for_user(world.an, "khong-ton-tai")


@pytest.mark.parametrize(
    ("policy", "repliers"),
    [
        (ReplyPolicy.EVERYONE, {"an", "binh", "cuong"}),
        (ReplyPolicy.FOLLOWERS, {"an", "binh"}),
        (ReplyPolicy.MENTIONED, {"an", "cuong"}),
    ],
)
def test_reply_policy(world: World, policy: str, repliers: set[str]) -> None:
    post = raw_post(actor_for_user(world.an), "Mời @cuong góp ý", reply_policy=policy)
    Mention.objects.create(post=post, actor=actor_for_user(world.cuong))
    for name in ("an", "binh", "cuong"):
        assert can_reply(getattr(world, name), post) is (name in repliers), name
    assert can_reply(None, post) is False


def test_reply_refused_when_blocked_and_outside_group(world: World) -> None:
    post = _make("public_group", world)
    assert can_reply(world.an, post)
    assert not can_reply(world.cuong, post)  # reads the public group but is not in it
    join(world.public_group, world.cuong)
    assert can_reply(world.cuong, post)
    Block.objects.create(actor=actor_for_user(world.an), target=actor_for_user(world.cuong))
    assert not can_reply(world.cuong, post)


def test_viewer_state(world: World, django_assert_max_num_queries: Any) -> None:
    an, binh = actor_for_user(world.an), actor_for_user(world.binh)
    posts = [raw_post(an, f"Bài {i}") for i in range(3)]
    group_post = raw_post(
        binh, "Trong nhóm", visibility=Visibility.GROUP, group=world.private_group
    )
    Reaction.objects.create(post=posts[0], actor=binh, kind="love")
    Bookmark.objects.create(post=posts[1], actor=binh)
    raw_post(binh, "", reblog_of=posts[2])
    Mute.objects.create(actor=binh, target=an)
    everything = [*posts, group_post]
    with django_assert_max_num_queries(12):
        states = viewer_state(world.binh, everything)
    assert states[posts[0].pk].reaction == "love"
    assert states[posts[1].pk].bookmarked and not states[posts[0].pk].bookmarked
    assert states[posts[2].pk].reblogged
    assert states[posts[0].pk].muted
    assert states[posts[0].pk].can_reply and not states[posts[0].pk].can_edit
    assert states[group_post.pk].can_edit  # Bình wrote it ...
    assert not states[group_post.pk].can_reply  # ... but is only asking to join the group
    # More posts, the same number of queries.
    more = [raw_post(an, f"Thêm {i}") for i in range(10)]
    with django_assert_max_num_queries(12):
        viewer_state(world.binh, everything + more)
    owner = viewer_state(world.an, [group_post])[group_post.pk]
    assert owner.can_delete and not owner.can_edit  # An owns the group: moderates, doesn't edit
    assert viewer_state(None, posts)[posts[0].pk].can_reply is False
    assert viewer_state(world.binh, []) == {}


def test_page_editor_state(world: World) -> None:
    post = raw_post(world.page, "Thông báo của Ban")
    state = viewer_state(world.editor, [post])[post.pk]
    assert state.can_edit and state.can_delete
    other = viewer_state(world.cuong, [post])[post.pk]
    assert not other.can_edit and not other.can_delete


def test_moderator_role_in_unit_group(world: World, leader: User) -> None:
    post = raw_post(
        actor_for_user(world.an), "Họp chi bộ", visibility=Visibility.GROUP, group=world.unit_group
    )
    assert not viewer_state(leader, [post])[post.pk].can_delete
    join(world.unit_group, leader, role=GroupRole.MODERATOR)
    assert viewer_state(leader, [post])[post.pk].can_delete


@pytest.mark.parametrize("kind", ["followers", "unit", "private_group", "unit_group"])
def test_hidden_post_page_is_404(world: World, kind: str) -> None:
    post = _make(kind, world)
    client = Client()
    client.force_login(world.cuong)
    assert client.get(f"/social/posts/{post.pk}/").status_code == 404
    assert Client().get(f"/social/posts/{post.pk}/").status_code == 404
    author = Client()
    author.force_login(world.an)
    assert author.get(f"/social/posts/{post.pk}/").status_code == 200


def test_follow_helper_used(world: World) -> None:
    # Following the page lets Cường read its followers-only posts.
    post = _make("page_followers", world)
    with pytest.raises(NotFound):
        post_for_user(world.cuong, post.pk)
    follow(world.cuong, world.page)
    assert post_for_user(world.cuong, post.pk).pk == post.pk


def test_comments_follow_their_thread(world: World) -> None:
    an, binh = actor_for_user(world.an), actor_for_user(world.binh)
    root = raw_post(an, "Chỉ người theo dõi An", visibility=Visibility.FOLLOWERS)
    comment = raw_post(
        binh, "Bình bình luận", visibility=Visibility.FOLLOWERS, thread_root=root, in_reply_to=root
    )
    follow(world.cuong, binh)  # Cường follows the commenter, not An
    assert post_for_user(world.an, comment.pk)  # the thread's author
    assert post_for_user(world.binh, comment.pk)
    with pytest.raises(NotFound):
        post_for_user(world.cuong, comment.pk)
    follow(world.dung, an)
    assert post_for_user(world.dung, comment.pk)


def test_blocking_someone_keeps_own_posts_repliable(world: World) -> None:
    an = actor_for_user(world.an)
    Block.objects.create(actor=an, target=actor_for_user(world.cuong))
    own = raw_post(an, "Bài của tôi")
    assert can_reply(world.an, own)
    assert not can_reply(world.cuong, own)
