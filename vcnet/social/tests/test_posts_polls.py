"""Polls: 2-4 options, five minutes to a month, one vote each, closed polls refuse votes."""

# ruff: noqa: F811  (the `world` fixture imported from conftest_posts is a parameter here)

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vcnet.core.errors import Conflict, DomainError, NotFound
from vcnet.social.models import Poll, PollOption, Visibility
from vcnet.social.services.polls import PollSpec, poll_vote
from vcnet.social.services.posts import post_create
from vcnet.social.tests.conftest_posts import World, world  # noqa: F401

OPTIONS = ["Đồng ý", "Không đồng ý", "Cần thêm thông tin", "Không có ý kiến"]


@pytest.mark.parametrize(
    ("options", "seconds", "ok"),
    [
        (OPTIONS[:2], 300, True),
        (OPTIONS, 2_678_400, True),
        (OPTIONS[:1], 3600, False),
        ([*OPTIONS, "Khác"], 3600, False),
        (OPTIONS[:2], 299, False),
        (OPTIONS[:2], 2_678_401, False),
        (["Có", "có"], 3600, False),
        (["Có", "x" * 101], 3600, False),
        (["Có", "   "], 3600, False),
    ],
)
def test_poll_bounds(world: World, options: list[str], seconds: int, ok: bool) -> None:
    spec = PollSpec(options=options, expires_in=seconds)
    if ok:
        post = post_create(user=world.an, text="Lấy ý kiến", poll=spec)
        poll = Poll.objects.get(post=post)
        assert [o.title for o in poll.options.all()] == options
        expected = timezone.now() + dt.timedelta(seconds=seconds)
        assert abs((poll.expires_at - expected).total_seconds()) < 60
    else:
        with pytest.raises(DomainError):
            post_create(user=world.an, text="Lấy ý kiến", poll=spec)
        assert not Poll.objects.exists()


def test_poll_only_post(world: World) -> None:
    post = post_create(user=world.an, text="", poll=PollSpec(options=OPTIONS[:2], expires_in=600))
    assert post.poll.options.count() == 2


def test_vote_once(world: World) -> None:
    post = post_create(
        user=world.an, text="Bạn chọn?", poll=PollSpec(options=OPTIONS[:3], expires_in=3600)
    )
    poll = poll_vote(user=world.binh, poll_id=post.poll.pk, choices=[1])
    assert (poll.votes_count, poll.voters_count) == (1, 1)
    assert PollOption.objects.get(poll=poll, position=1).votes_count == 1
    with pytest.raises(Conflict):
        poll_vote(user=world.binh, poll_id=poll.pk, choices=[0])
    with pytest.raises(DomainError):  # one choice only
        poll_vote(user=world.cuong, poll_id=poll.pk, choices=[0, 1])
    with pytest.raises(DomainError):  # no such option
        poll_vote(user=world.cuong, poll_id=poll.pk, choices=[7])
    with pytest.raises(DomainError):
        poll_vote(user=world.cuong, poll_id=poll.pk, choices=[])


def test_multiple_choice(world: World) -> None:
    spec = PollSpec(options=OPTIONS, expires_in=3600, multiple=True)
    post = post_create(user=world.an, text="Chọn nhiều", poll=spec)
    poll = poll_vote(user=world.binh, poll_id=post.poll.pk, choices=[0, 2, 2])
    assert (poll.votes_count, poll.voters_count) == (2, 1)


def test_closed_poll_refuses(world: World) -> None:
    post = post_create(
        user=world.an, text="Hết hạn", poll=PollSpec(options=OPTIONS[:2], expires_in=300)
    )
    Poll.objects.filter(pk=post.poll.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError) as exc:
        poll_vote(user=world.binh, poll_id=post.poll.pk, choices=[0])
    assert exc.value.code == "poll_closed"


def test_hidden_poll_is_404(world: World) -> None:
    post = post_create(
        user=world.an,
        text="Riêng",
        visibility=Visibility.FOLLOWERS,
        poll=PollSpec(options=OPTIONS[:2], expires_in=3600),
    )
    with pytest.raises(NotFound):
        poll_vote(user=world.cuong, poll_id=post.poll.pk, choices=[0])
    with pytest.raises(NotFound):
        poll_vote(user=world.binh, poll_id=987654, choices=[0])
    poll_vote(user=world.binh, poll_id=post.poll.pk, choices=[0])
