"""Writing and reading posts: create, comments one level deep, groups, units, edits, deletes."""

# ruff: noqa: F811  (the `world` fixture imported from conftest_posts is a parameter here)

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.notifications.models import Notification
from vcnet.social import kinds
from vcnet.social.models import (
    Actor,
    Group,
    GroupRole,
    Hashtag,
    MediaAttachment,
    Mention,
    Post,
    PostHashtag,
    ReplyPolicy,
    ScheduledPost,
    Visibility,
)
from vcnet.social.selectors.posts import (
    post_context,
    post_detail,
    post_history,
    post_thread,
    posts_hydrate,
)
from vcnet.social.services.actors import actor_for_user
from vcnet.social.services.polls import PollSpec
from vcnet.social.services.posts import (
    post_create,
    post_delete,
    post_edit,
    scheduled_post_create,
    scheduled_posts_publish_due,
)
from vcnet.social.tests.conftest_posts import World, follow, join, raw_post, world  # noqa: F401


def test_create_renders_tags_and_mentions(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cuong = actor_for_user(world.cuong)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            user=world.an,
            text=f"Hội nghị **chuyển đổi số** #ChuyểnĐổiSố @{cuong.handle} <script>x</script>",
        )
    assert "<strong>chuyển đổi số</strong>" in post.html
    assert 'href="/social/tags/chuyendoiso/"' in post.html
    assert f'href="/social/@{cuong.handle}/"' in post.html
    assert "<script>" not in post.html
    tag = Hashtag.objects.get(folded="chuyendoiso")
    assert tag.name == "ChuyểnĐổiSố" and tag.posts_count == 1
    assert list(Mention.objects.filter(post=post).values_list("actor_id", flat=True)) == [cuong.pk]
    assert Actor.objects.get(user=world.an).posts_count == 1
    note = Notification.objects.get(user=world.cuong)
    assert note.kind == kinds.MENTION and note.url == f"/social/posts/{post.pk}/"
    assert AuditEntry.objects.filter(action="social.post_create").exists()
    # The same tag written without accents is the same tag.
    post_create(user=world.binh, text="Ủng hộ #chuyendoiso")
    assert Hashtag.objects.get(folded="chuyendoiso").posts_count == 2


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"text": "   "}, "empty_post"),
        ({"text": "a" * 5001}, "text_too_long"),
        ({"text": "Nội dung", "content_warning": "c" * 201}, "warning_too_long"),
        ({"text": "Nội dung", "visibility": "direct"}, "bad_visibility"),
        ({"text": "Nội dung", "reply_policy": "nobody"}, "bad_reply_policy"),
        ({"text": "Nội dung", "visibility": Visibility.GROUP}, "group_missing"),
        ({"text": "Nội dung", "media_ids": [999999]}, "media_unavailable"),
    ],
)
def test_create_bad_input(world: World, kwargs: dict, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        post_create(user=world.an, **kwargs)
    assert exc.value.code == code


def test_anonymous_cannot_post(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDeniedError):
        post_create(user=AnonymousUser(), text="Xin chào")  # type: ignore[arg-type]


def test_mention_cap(world: World, settings: Any) -> None:
    settings.SOCIAL_MAX_MENTIONS = 3
    text = " ".join(f"@nguoi{i}" for i in range(4))
    with pytest.raises(DomainError) as exc:
        post_create(user=world.an, text=text)
    assert exc.value.code == "too_many_mentions"
    post_create(user=world.an, text=" ".join(f"@nguoi{i}" for i in range(3)))
    settings.SOCIAL_MAX_MENTIONS = 10
    with pytest.raises(DomainError):
        post_create(user=world.an, text=" ".join(f"@nguoi{i}" for i in range(11)))


def test_mention_in_followers_post_not_told_to_non_follower(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    binh, cuong = actor_for_user(world.binh), actor_for_user(world.cuong)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(
            user=world.an,
            text=f"@{binh.handle} @{cuong.handle} họp",
            visibility=Visibility.FOLLOWERS,
        )
    assert Notification.objects.filter(user=world.binh, kind=kinds.MENTION).count() == 1
    assert not Notification.objects.filter(user=world.cuong).exists()


def test_post_as_page(world: World) -> None:
    post = post_create(user=world.editor, as_actor=world.page, text="Thông báo lịch tiếp công dân")
    assert post.author_id == world.page.pk and post.created_by_id == world.editor.pk
    with pytest.raises(PermissionDeniedError):
        post_create(user=world.cuong, as_actor=world.page, text="Giả mạo")
    with pytest.raises(PermissionDeniedError):
        post_create(user=world.cuong, as_actor=actor_for_user(world.binh), text="Giả mạo")


def test_post_in_groups(world: World, leader: User) -> None:
    post = post_create(
        user=world.an, text="Chào nhóm", group=world.private_group, visibility="public"
    )
    assert post.visibility == Visibility.GROUP and post.group_id == world.private_group.pk
    for user, group in [
        (world.binh, world.private_group),  # pending
        (world.cuong, world.public_group),  # reads it but is not a member
        (world.dung, world.unit_group),  # another unit
    ]:
        with pytest.raises(NotFound):
            post_create(user=user, text="Xin vào", group=group)
    unit_post = post_create(user=leader, text="Lịch họp", group=world.unit_group)
    assert Group.objects.get(pk=world.unit_group.pk).posts_count == 1
    assert unit_post.group_id == world.unit_group.pk


def test_post_to_unit(world: World) -> None:
    post = post_create(
        user=world.an, text="Nội bộ", visibility=Visibility.UNIT, unit=world.province
    )
    assert post.unit_id == world.province.pk
    with pytest.raises(DomainError):
        post_create(
            user=world.an, text="Nội bộ", visibility=Visibility.UNIT, unit=world.other_province
        )
    with pytest.raises(DomainError):
        post_create(user=world.cuong, text="Nội bộ", visibility=Visibility.UNIT)
    page_post = post_create(
        user=world.editor, as_actor=world.page, text="Nội bộ Ban", visibility=Visibility.UNIT
    )
    assert page_post.unit_id == world.province.pk


def test_replies_threaded_one_level(world: World, django_capture_on_commit_callbacks: Any) -> None:
    root = post_create(user=world.an, text="Góp ý dự thảo", visibility=Visibility.FOLLOWERS)
    with django_capture_on_commit_callbacks(execute=True):
        first = post_create(user=world.binh, text="Ý kiến 1", in_reply_to=root, visibility="public")
    assert first.visibility == Visibility.FOLLOWERS  # inherited from the thread
    assert first.thread_root_id == root.pk and first.in_reply_to_id == root.pk
    assert Notification.objects.filter(user=world.an, kind=kinds.REPLY).count() == 1
    second = post_create(user=world.an, text="Cảm ơn", in_reply_to=first)
    third = post_create(user=world.binh, text="Trả lời tiếp", in_reply_to=second)
    assert (second.in_reply_to_id, second.thread_root_id) == (first.pk, root.pk)
    assert (third.in_reply_to_id, third.thread_root_id) == (first.pk, root.pk)  # flattened
    root.refresh_from_db()
    first.refresh_from_db()
    assert root.replies_count == 3 and first.replies_count == 2
    thread = post_thread(world.binh, root)
    assert [p.pk for p in thread] == [first.pk, second.pk, third.pk]
    ancestors, descendants = post_context(world.binh, second)
    assert [p.pk for p in ancestors] == [root.pk, first.pk] and descendants == []
    ancestors, descendants = post_context(world.binh, root)
    assert ancestors == [] and [p.pk for p in descendants] == [first.pk, second.pk, third.pk]
    ancestors, descendants = post_context(world.binh, first)
    assert [p.pk for p in descendants] == [second.pk, third.pk]
    # Someone who does not follow An cannot see the thread, so cannot comment: 404.
    with pytest.raises(NotFound):
        post_create(user=world.cuong, text="Chen vào", in_reply_to=root)
    assert post_thread(world.cuong, root) == []
    with pytest.raises(NotFound):
        post_detail(world.cuong, first.pk)


def test_reply_policy_enforced(world: World) -> None:
    root = post_create(user=world.an, text="Chỉ người theo dõi", reply_policy=ReplyPolicy.FOLLOWERS)
    post_create(user=world.binh, text="Vâng", in_reply_to=root)
    with pytest.raises(PermissionDeniedError):
        post_create(user=world.cuong, text="Tôi nữa", in_reply_to=root)


def test_reply_in_group_needs_membership(world: World) -> None:
    root = post_create(user=world.an, text="Thảo luận", group=world.public_group)
    with pytest.raises(NotFound):
        post_create(user=world.cuong, text="Góp ý", in_reply_to=root)
    join(world.public_group, world.cuong)
    reply = post_create(user=world.cuong, text="Góp ý", in_reply_to=root)
    assert reply.group_id == world.public_group.pk and reply.visibility == Visibility.GROUP


def test_quote_only_public(world: World) -> None:
    public = post_create(user=world.an, text="Công khai")
    quote = post_create(user=world.binh, text="Đáng đọc", quote_of=public)
    assert quote.quote_of_id == public.pk
    private = post_create(user=world.an, text="Riêng", visibility=Visibility.FOLLOWERS)
    with pytest.raises(DomainError):
        post_create(user=world.binh, text="Chia sẻ", quote_of=private)
    with pytest.raises(NotFound):
        post_create(user=world.cuong, text="Chia sẻ", quote_of=private)


def test_edit_keeps_history(world: World) -> None:
    post = post_create(user=world.an, text="Bản đầu #BHYT")
    edited = post_edit(
        user=world.an, post_id=post.pk, text="Bản sửa #ChuyểnĐổiSố", content_warning="Dài"
    )
    assert edited.edited_at is not None and "/social/tags/chuyendoiso/" in edited.html
    assert edited.content_warning == "Dài"
    history = post_history(world.binh, post.pk)
    assert [h.text for h in history] == ["Bản đầu #BHYT"]
    post_edit(user=world.an, post_id=post.pk, text="Bản ba")
    assert [h.text for h in post_history(world.an, post.pk)] == [
        "Bản đầu #BHYT",
        "Bản sửa #ChuyểnĐổiSố",
    ]
    assert Hashtag.objects.get(folded="bhyt").posts_count == 0
    assert not PostHashtag.objects.filter(post=post).exists()
    with pytest.raises(PermissionDeniedError):
        post_edit(user=world.binh, post_id=post.pk, text="Sửa hộ")
    with pytest.raises(DomainError):
        post_edit(user=world.an, post_id=post.pk, text="")


def test_edit_invisible_is_404(world: World) -> None:
    post = post_create(user=world.an, text="Riêng", visibility=Visibility.FOLLOWERS)
    with pytest.raises(NotFound):
        post_edit(user=world.cuong, post_id=post.pk, text="x")
    with pytest.raises(NotFound):
        post_history(world.cuong, post.pk)
    with pytest.raises(NotFound):
        post_delete(user=world.cuong, post_id=post.pk)


def test_page_editor_edits_page_post(world: World) -> None:
    post = post_create(user=world.editor, as_actor=world.page, text="Thông báo")
    post_edit(user=world.editor, post_id=post.pk, text="Thông báo (đính chính)")
    assert Post.objects.get(pk=post.pk).text == "Thông báo (đính chính)"


def test_delete_permissions_and_counters(world: World, leader: User) -> None:
    root = post_create(user=world.an, text="Bài gốc #BHYT")
    comment = post_create(user=world.binh, text="Bình luận", in_reply_to=root)
    with pytest.raises(PermissionDeniedError):
        post_delete(user=world.cuong, post_id=comment.pk)
    with pytest.raises(PermissionDeniedError):
        post_delete(user=world.binh, post_id=root.pk)  # a commenter cannot delete the post
    post_delete(user=world.binh, post_id=comment.pk)
    assert Post.objects.get(pk=root.pk).replies_count == 0
    post_create(user=world.binh, text="Bình luận 2", in_reply_to=root)
    post_delete(user=world.an, post_id=root.pk)
    assert not Post.objects.filter(thread_root_id=root.pk).exists()
    assert Hashtag.objects.get(folded="bhyt").posts_count == 0
    assert Actor.objects.get(user=world.an).posts_count == 0
    assert Actor.objects.get(user=world.binh).posts_count == 0  # both comments went
    assert AuditEntry.objects.filter(action="social.post_delete").count() == 2


def test_group_moderator_and_page_editor_delete(world: World, leader: User) -> None:
    post = post_create(user=leader, text="Trong nhóm đơn vị", group=world.unit_group)
    with pytest.raises(PermissionDeniedError):
        post_delete(user=world.an, post_id=post.pk)
    join(world.unit_group, world.an, role=GroupRole.MODERATOR)
    post_delete(user=world.an, post_id=post.pk)
    page_post = post_create(user=world.editor, as_actor=world.page, text="Trang")
    post_delete(user=world.editor, post_id=page_post.pk)
    assert not Post.objects.filter(pk__in=[post.pk, page_post.pk]).exists()


def _media(user: User, post: Post | None = None, n: int = 1) -> list[MediaAttachment]:
    return [
        MediaAttachment.objects.create(
            uploaded_by=user, post=post, file=f"social/media/anh{i}.jpg", content_type="image/jpeg"
        )
        for i in range(n)
    ]


def test_media_attached_in_order(world: World) -> None:
    media = _media(world.an, n=2)
    post = post_create(user=world.an, text="", media_ids=[media[1].pk, media[0].pk])
    assert [m.pk for m in post_detail(world.cuong, post.pk).media.all()] == [
        media[1].pk,
        media[0].pk,
    ]
    with pytest.raises(DomainError):  # already used
        post_create(user=world.an, text="Lại", media_ids=[media[0].pk])
    with pytest.raises(DomainError):  # someone else's
        post_create(user=world.binh, text="Ảnh", media_ids=[_media(world.an)[0].pk])


def test_posts_hydrate_order_visibility_and_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    an, binh = actor_for_user(world.an), actor_for_user(world.binh)

    def batch(n: int) -> list[int]:
        ids = []
        for i in range(n):
            post = post_create(
                user=world.an,
                text=f"Bài {i}",
                poll=PollSpec(options=["Có", "Không"], expires_in=3600),
            )
            _media(world.an, post)
            quote = raw_post(binh, "Trích", quote_of=post)
            reblog = raw_post(binh, "", reblog_of=post)
            ids += [reblog.pk, quote.pk, post.pk]
        return ids

    small = batch(2)
    with django_assert_num_queries(6):
        posts = posts_hydrate(world.cuong, small)
    large = batch(8)
    with django_assert_num_queries(6):
        posts = posts_hydrate(world.cuong, large)
        for post in posts:
            str(post.author.handle)
            list(post.media.all())
            if post.reblog_of is not None:
                list(post.reblog_of.media.all())
                list(post.reblog_of.poll.options.all())
            elif post.quote_of is not None:
                assert post.quote_of.author.handle
            else:
                assert [o.title for o in post.poll.options.all()] == ["Có", "Không"]
    assert [p.pk for p in posts] == large
    hidden = raw_post(an, "Riêng", visibility=Visibility.FOLLOWERS)
    hidden_reblog = raw_post(binh, "", reblog_of=hidden)
    hidden_quote = raw_post(binh, "Trích riêng", quote_of=hidden)
    got = posts_hydrate(world.cuong, [hidden.pk, hidden_reblog.pk, hidden_quote.pk, small[0]])
    assert [p.pk for p in got] == [hidden_quote.pk, small[0]]
    assert got[0].quote_of is None
    assert posts_hydrate(world.cuong, []) == []


def test_post_detail_404(world: World) -> None:
    post = post_create(user=world.an, text="Riêng", visibility=Visibility.FOLLOWERS)
    with pytest.raises(NotFound):
        post_detail(world.cuong, post.pk)
    with pytest.raises(NotFound):
        post_detail(None, 987654)
    assert post_detail(world.binh, post.pk).pk == post.pk


def test_scheduled_posts(world: World) -> None:
    later = timezone.now() + dt.timedelta(hours=1)
    scheduled = scheduled_post_create(
        user=world.editor,
        page=world.page,
        publish_at=later,
        text="Lịch cắt điện tuần tới #ThôngBáo",
        poll=PollSpec(options=["Đã biết", "Chưa biết"], expires_in=86_400),
    )
    with pytest.raises(PermissionDeniedError):
        scheduled_post_create(user=world.cuong, page=world.page, publish_at=later, text="x")
    with pytest.raises(PermissionDeniedError):
        scheduled_post_create(
            user=world.an, page=actor_for_user(world.an), publish_at=later, text="x"
        )
    with pytest.raises(DomainError):
        scheduled_post_create(
            user=world.editor, page=world.page, publish_at=timezone.now(), text="x"
        )
    with pytest.raises(DomainError):
        scheduled_post_create(user=world.editor, page=world.page, publish_at=later, text="")
    assert scheduled_posts_publish_due() == 0
    assert scheduled_posts_publish_due(now=later + dt.timedelta(seconds=1)) == 1
    scheduled.refresh_from_db()
    assert scheduled.state == ScheduledPost.State.PUBLISHED and scheduled.post is not None
    assert scheduled.post.author_id == world.page.pk and scheduled.post.poll.options.count() == 2
    assert scheduled_posts_publish_due(now=later + dt.timedelta(seconds=2)) == 0


def test_scheduled_post_fails_cleanly(world: World) -> None:
    later = timezone.now() + dt.timedelta(minutes=5)
    scheduled = scheduled_post_create(
        user=world.editor, page=world.page, publish_at=later, text="Sẽ lỗi"
    )
    world.page.roles.all().delete()  # the editor lost the role meanwhile
    assert scheduled_posts_publish_due(now=later) == 0
    scheduled.refresh_from_db()
    assert scheduled.state == ScheduledPost.State.FAILED and scheduled.error


def test_scheduled_task(world: World) -> None:
    from vcnet.social.tasks_posts import publish_scheduled_posts

    ScheduledPost.objects.create(
        author=world.page,
        created_by=world.editor,
        params={"text": "Đến giờ"},
        publish_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert publish_scheduled_posts.call() == 1


def test_follow_then_reply_to_followers_post(world: World) -> None:
    root = post_create(user=world.an, text="Riêng tư", visibility=Visibility.FOLLOWERS)
    follow(world.cuong, actor_for_user(world.an))
    reply = post_create(user=world.cuong, text="Đã đọc", in_reply_to=root)
    assert reply.visibility == Visibility.FOLLOWERS
