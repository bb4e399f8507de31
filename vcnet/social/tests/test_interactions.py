"""Reactions, bookmarks and shares: counters stay exact, visibility first, the author is told."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils import translation

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.notifications.models import Notification
from vcnet.social import kinds
from vcnet.social.models import (
    Actor,
    ActorKind,
    Block,
    Bookmark,
    Follow,
    Group,
    GroupKind,
    GroupMembership,
    Mute,
    PageRole,
    Post,
    Reaction,
    Visibility,
)
from vcnet.social.selectors.interactions import (
    bookmarks_for,
    reacted_by,
    reaction_summary,
    reactors_of,
    sharers_of,
)
from vcnet.social.services.actors import actor_for_user
from vcnet.social.services.interactions import (
    bookmark_add,
    bookmark_remove,
    post_share,
    post_unshare,
    reaction_remove,
    reaction_set,
)


def _post(author: Actor, text: str = "Góp ý dự thảo Luật Đất đai", **fields: Any) -> Post:
    return Post.objects.create(author=author, text=text, html=f"<p>{text}</p>", **fields)


@pytest.fixture
def author(official: User) -> Actor:
    return actor_for_user(official)


@pytest.fixture
def public_post(author: Actor) -> Post:
    return _post(author, "Hội nghị trực tuyến về chuyển đổi số #ChuyểnĐổiSố")


@pytest.fixture
def page(province: Unit, leader: User) -> Actor:
    actor = Actor.objects.create(
        kind=ActorKind.PAGE,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        unit=province,
        verified=True,
    )
    PageRole.objects.create(page=actor, user=leader, role="owner")
    return actor


def _counts(post: Post) -> tuple[int, dict[str, int]]:
    post.refresh_from_db()
    return post.reactions_count, post.reaction_counts


def _truth(post: Post) -> tuple[int, dict[str, int]]:
    rows = Reaction.objects.filter(post=post).values("kind").annotate(n=Count("id"))
    counts = {row["kind"]: row["n"] for row in rows}
    return sum(counts.values()), counts


def _notes(user: User, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind))


# --- reactions -------------------------------------------------------------------------------


def test_reaction_counts_stay_exact_through_changes_and_removals(
    public_post: Post, citizen: User, leader: User, clerk: User
) -> None:
    reaction_set(user=citizen, post_id=public_post.pk)
    assert _counts(public_post) == (1, {"like": 1})
    reaction_set(user=citizen, post_id=public_post.pk, kind="love")  # replaces, not adds
    assert _counts(public_post) == (1, {"love": 1})
    reaction_set(user=citizen, post_id=public_post.pk, kind="love")  # the same again: nothing
    assert _counts(public_post) == (1, {"love": 1})
    reaction_set(user=leader, post_id=public_post.pk, kind="haha")
    reaction_set(user=clerk, post_id=public_post.pk, kind="love")
    assert _counts(public_post) == (3, {"love": 2, "haha": 1})
    reaction_set(user=clerk, post_id=public_post.pk, kind="haha")
    assert _counts(public_post) == (3, {"love": 1, "haha": 2})
    reaction_remove(user=citizen, post_id=public_post.pk)
    assert _counts(public_post) == (2, {"haha": 2})
    reaction_remove(user=citizen, post_id=public_post.pk)  # nothing to take back
    assert _counts(public_post) == (2, {"haha": 2})
    reaction_remove(user=leader, post_id=public_post.pk)
    reaction_remove(user=clerk, post_id=public_post.pk)
    assert _counts(public_post) == (0, {})
    assert _counts(public_post) == _truth(public_post)


def test_a_long_random_sequence_matches_the_reaction_rows(
    public_post: Post, citizen: User, leader: User, clerk: User, outsider: User
) -> None:
    import random

    rng = random.Random(6)
    people = [citizen, leader, clerk, outsider]
    for _ in range(60):
        person = rng.choice(people)
        if rng.random() < 0.3:
            reaction_remove(user=person, post_id=public_post.pk)
        else:
            reaction_set(
                user=person,
                post_id=public_post.pk,
                kind=rng.choice(["like", "love", "haha", "wow", "sad", "angry"]),
            )
        assert _counts(public_post) == _truth(public_post)


def test_unknown_reaction_is_refused(public_post: Post, citizen: User) -> None:
    with pytest.raises(DomainError) as caught:
        reaction_set(user=citizen, post_id=public_post.pk, kind="<script>")
    assert caught.value.code == "invalid_reaction"
    assert _counts(public_post) == (0, {})


def test_author_is_told_once_and_never_about_themself(
    public_post: Post,
    official: User,
    citizen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reaction_set(user=citizen, post_id=public_post.pk)
    with django_capture_on_commit_callbacks(execute=True):
        reaction_set(user=citizen, post_id=public_post.pk, kind="wow")  # a change: no new one
    with django_capture_on_commit_callbacks(execute=True):
        reaction_set(user=official, post_id=public_post.pk, kind="love")  # own post
    notes = _notes(official, kinds.REACTION)
    assert len(notes) == 1
    assert notes[0].actor == citizen
    assert notes[0].object_id == str(public_post.pk)
    assert notes[0].object_type == "social.post"
    assert notes[0].url == f"/social/posts/{public_post.pk}/"
    assert "Đỗ Minh Đức" in notes[0].title
    assert not Notification.objects.filter(user=citizen).exists()


def test_no_notification_when_nothing_commits(
    public_post: Post, official: User, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reaction_set(user=citizen, post_id=public_post.pk)
    assert callbacks  # queued for after the commit, not sent inside the transaction
    assert not _notes(official, kinds.REACTION)


def test_muted_reactor_does_not_notify(
    public_post: Post,
    author: Actor,
    official: User,
    citizen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Mute.objects.create(actor=author, target=actor_for_user(citizen), hide_notifications=True)
    with django_capture_on_commit_callbacks(execute=True):
        reaction_set(user=citizen, post_id=public_post.pk)
    assert not _notes(official, kinds.REACTION)
    assert _counts(public_post) == (1, {"like": 1})


def test_page_post_reactions_reach_the_people_running_the_page(
    page: Actor, leader: User, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    post = _post(page, "Thông báo lịch tiếp công dân tháng 12")
    with django_capture_on_commit_callbacks(execute=True):
        reaction_set(user=citizen, post_id=post.pk, kind="like")
    assert len(_notes(leader, kinds.REACTION)) == 1


def test_cannot_react_to_what_one_cannot_see(
    author: Actor, citizen: User, outsider: User, official: User, province: Unit
) -> None:
    followers_only = _post(author, "Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    unit_post = _post(author, "Nội bộ Ban", visibility=Visibility.UNIT, unit=province)
    for action in (reaction_set, reaction_remove, bookmark_add, bookmark_remove, post_share):
        with pytest.raises(NotFound):
            action(user=citizen, post_id=followers_only.pk)
        with pytest.raises(NotFound):
            action(user=outsider, post_id=unit_post.pk)
        with pytest.raises(NotFound):
            action(user=citizen, post_id=999_999)
    assert not Reaction.objects.exists()
    assert not Bookmark.objects.exists()
    # Following opens the followers-only post.
    Follow.objects.create(follower=actor_for_user(citizen), target=author)
    reaction_set(user=citizen, post_id=followers_only.pk)
    assert _counts(followers_only) == (1, {"like": 1})


def test_blocked_person_cannot_react(public_post: Post, author: Actor, citizen: User) -> None:
    Block.objects.create(actor=author, target=actor_for_user(citizen))
    with pytest.raises(NotFound):
        reaction_set(user=citizen, post_id=public_post.pk)


def test_anonymous_cannot_act(public_post: Post) -> None:
    for action in (reaction_set, bookmark_add, post_share):
        with pytest.raises(PermissionDeniedError):
            action(user=AnonymousUser(), post_id=public_post.pk)  # type: ignore[arg-type]


def test_reacting_to_a_share_reacts_to_the_shared_post(
    public_post: Post, citizen: User, leader: User
) -> None:
    share = post_share(user=leader, post_id=public_post.pk)
    reaction_set(user=citizen, post_id=share.pk, kind="wow")
    assert _counts(public_post) == (1, {"wow": 1})
    assert _counts(share) == (0, {})


def test_reaction_selectors(public_post: Post, author: Actor, citizen: User, leader: User) -> None:
    other = _post(author, "Bài thứ hai")
    reaction_set(user=citizen, post_id=public_post.pk, kind="love")
    reaction_set(user=citizen, post_id=other.pk)
    reaction_set(user=leader, post_id=public_post.pk, kind="love")
    reaction_set(user=leader, post_id=other.pk, kind="sad")
    assert [p.pk for p in reacted_by(citizen)] == [other.pk, public_post.pk]
    assert [p.reaction_kind for p in reacted_by(citizen)] == ["like", "love"]  # type: ignore[attr-defined]
    assert [a.user_id for a in reactors_of(citizen, public_post.pk)] == [leader.pk, citizen.pk]
    assert [a.user_id for a in reactors_of(None, other.pk, kind="sad")] == [leader.pk]
    public_post.refresh_from_db()
    other.refresh_from_db()
    with translation.override("en"):
        assert reaction_summary(public_post) == [("love", "Love", 2)]
        assert reaction_summary(other) == [("like", "Like", 1), ("sad", "Sad", 1)]


# --- bookmarks -------------------------------------------------------------------------------


def test_bookmarks_are_private_idempotent_and_follow_visibility(
    author: Actor, citizen: User, leader: User
) -> None:
    first = _post(author, "Hướng dẫn khai thuế điện tử")
    second = _post(author, "Lịch nghỉ Tết Nguyên đán")
    b1 = bookmark_add(user=citizen, post_id=first.pk)
    assert bookmark_add(user=citizen, post_id=first.pk) == b1
    bookmark_add(user=citizen, post_id=second.pk)
    bookmark_add(user=leader, post_id=second.pk)
    listed = list(bookmarks_for(citizen))
    assert [p.pk for p in listed] == [second.pk, first.pk]  # newest bookmark first
    assert listed[0].bookmark_id > listed[1].bookmark_id  # type: ignore[attr-defined]
    assert [p.pk for p in bookmarks_for(leader)] == [second.pk]
    # A post that is no longer visible drops out of the list.
    Post.objects.filter(pk=first.pk).update(visibility=Visibility.FOLLOWERS)
    assert [p.pk for p in bookmarks_for(citizen)] == [second.pk]
    bookmark_remove(user=citizen, post_id=second.pk)
    bookmark_remove(user=citizen, post_id=second.pk)
    assert list(bookmarks_for(citizen)) == []
    assert Bookmark.objects.filter(actor=actor_for_user(leader)).count() == 1


# --- shares ----------------------------------------------------------------------------------


def test_plain_share_is_made_once_and_taken_back(
    public_post: Post,
    official: User,
    citizen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sharer = actor_for_user(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        share = post_share(user=citizen, post_id=public_post.pk)
    assert share.reblog_of_id == public_post.pk
    assert share.author == sharer
    assert share.text == ""
    assert share.visibility == Visibility.PUBLIC
    with django_capture_on_commit_callbacks(execute=True):
        assert post_share(user=citizen, post_id=public_post.pk) == share
        assert post_share(user=citizen, post_id=share.pk) == share  # sharing the share
    public_post.refresh_from_db()
    sharer.refresh_from_db()
    assert public_post.reblogs_count == 1
    assert sharer.posts_count == 1
    notes = _notes(official, kinds.REBLOG)
    assert len(notes) == 1
    assert notes[0].object_id == str(public_post.pk)
    assert [a.pk for a in sharers_of(None, public_post.pk)] == [sharer.pk]

    with django_capture_on_commit_callbacks(execute=True):
        post_unshare(user=citizen, post_id=public_post.pk)
    post_unshare(user=citizen, post_id=public_post.pk)  # twice: nothing more
    assert not Post.objects.filter(pk=share.pk).exists()
    public_post.refresh_from_db()
    sharer.refresh_from_db()
    assert public_post.reblogs_count == 0
    assert sharer.posts_count == 0


def test_unshare_by_the_share_id(public_post: Post, citizen: User, leader: User) -> None:
    share = post_share(user=citizen, post_id=public_post.pk)
    with pytest.raises(NotFound):
        post_unshare(user=leader, post_id=share.pk)  # not theirs
    post_unshare(user=citizen, post_id=share.pk)
    assert not Post.objects.filter(reblog_of=public_post).exists()


def test_sharing_own_post_tells_nobody(
    public_post: Post, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post_share(user=official, post_id=public_post.pk)
    assert not Notification.objects.exists()


def test_only_public_posts_can_be_shared(
    author: Actor, official: User, leader: User, citizen: User, province: Unit
) -> None:
    Follow.objects.create(follower=actor_for_user(citizen), target=author)
    followers_only = _post(author, "Cho người theo dõi", visibility=Visibility.FOLLOWERS)
    unit_post = _post(author, "Cho cán bộ trong Ban", visibility=Visibility.UNIT, unit=province)
    group = Group.objects.create(slug="thanh-nien", name="Thanh niên tình nguyện")
    group_post = _post(author, "Trong nhóm", visibility=Visibility.GROUP, group=group)
    private = Group.objects.create(slug="kin", name="Nhóm kín", kind=GroupKind.PRIVATE)
    GroupMembership.objects.create(group=private, user=official)
    leaked = _post(author, "Công khai trong nhóm kín", group=private)
    cases = [(citizen, followers_only), (leader, unit_post), (official, group_post)]
    cases.append((official, leaked))
    for user, post in cases:
        with pytest.raises(DomainError) as caught:
            post_share(user=user, post_id=post.pk)
        assert caught.value.code == "not_shareable", post.text
        assert "Only public posts" in str(caught.value.message)
    assert not Post.objects.filter(reblog_of__isnull=False).exists()


def test_share_as_a_page_needs_a_role_on_it(
    public_post: Post, page: Actor, leader: User, citizen: User
) -> None:
    share = post_share(user=leader, post_id=public_post.pk, as_actor=page)
    assert share.author == page
    assert share.created_by == leader
    with pytest.raises(PermissionDeniedError):
        post_share(user=citizen, post_id=public_post.pk, as_actor=page)
    with pytest.raises(PermissionDeniedError):
        post_unshare(user=citizen, post_id=public_post.pk, as_actor=page)
    post_unshare(user=leader, post_id=public_post.pk, as_actor=page)
    assert not Post.objects.filter(reblog_of=public_post).exists()


def test_share_with_a_comment_is_a_quote(
    public_post: Post, official: User, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        quote = post_share(
            user=citizen, post_id=public_post.pk, comment="Rất đáng đọc, mọi người xem nhé!"
        )
    assert quote.quote_of_id == public_post.pk
    assert quote.reblog_of_id is None
    assert "Rất đáng đọc" in quote.text
    assert quote.author == actor_for_user(citizen)
    assert len(_notes(official, kinds.REBLOG)) == 1
    assert not Post.objects.filter(reblog_of=public_post).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_reactions_keep_counts_exact(official: User) -> None:
    """Many people reacting and changing their minds at once (PostgreSQL: real row locks)."""
    import threading

    from django.db import connection, connections

    from vcnet.accounts.tests.factories import UserFactory

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the row lock matters on PostgreSQL")
    post = _post(actor_for_user(official), "Lấy ý kiến nhân dân về dự thảo")
    people = [UserFactory(full_name=f"Người dân số {i}") for i in range(8)]
    for person in people:
        actor_for_user(person)
    errors: list[BaseException] = []

    def work(person: User, n: int) -> None:
        try:
            for step, kind in enumerate(["like", "love", "haha", "wow", "sad"][: 3 + n % 3]):
                reaction_set(user=person, post_id=post.pk, kind=kind)
                if (step + n) % 4 == 3:
                    reaction_remove(user=person, post_id=post.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(p, i)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert _counts(post) == _truth(post)
    assert post.reactions_count == Reaction.objects.filter(post=post).count() > 0
