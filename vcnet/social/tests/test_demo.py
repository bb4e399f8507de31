"""The social network's demo: pages, posts, follows, groups; loaded once; found by search."""

from __future__ import annotations

import io
from typing import Any

import pytest

from vcnet.accounts.demo import demo_email, demo_load
from vcnet.accounts.models import User
from vcnet.social.demo import load_demo
from vcnet.social.demo_data import PAGES, POSTS
from vcnet.social.models import (
    Actor,
    ActorKind,
    Follow,
    Group,
    MediaAttachment,
    PageRole,
    Poll,
    Post,
    Reaction,
)
from vcnet.social.search import social_search

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_loads_once_and_is_searchable(media_root: None) -> None:
    out = io.StringIO()
    load_demo(out)
    assert "skipped" in out.getvalue() or "bỏ qua" in out.getvalue().lower()
    assert not Actor.objects.filter(kind=ActorKind.PAGE).exists()

    demo_load()
    out = io.StringIO()
    load_demo(out)
    pages = Actor.objects.filter(kind=ActorKind.PAGE)
    assert pages.count() == len(PAGES)
    assert all(page.verified for page in pages)
    central = pages.get(handle="bantuyengiaotw")
    editors = set(PageRole.objects.filter(page=central).values_list("user__email", flat=True))
    assert {demo_email("tuanpm"), demo_email("lanvt")} <= editors
    top_level = Post.objects.filter(in_reply_to__isnull=True, reblog_of__isnull=True)
    assert top_level.count() == len(POSTS) >= 30
    assert top_level.filter(author__kind=ActorKind.PAGE).count() >= 25
    assert Post.objects.filter(in_reply_to__isnull=False).count() >= 20
    assert Reaction.objects.count() >= 60
    assert Poll.objects.count() == 1
    assert MediaAttachment.objects.filter(post__isnull=False).count() >= 5
    assert Follow.objects.filter(target=central).count() >= 8
    assert Group.objects.count() == 2

    citizen = User.objects.get(email=demo_email("khoabv"))
    found = social_search(citizen, "chuyen doi so", type="posts").posts
    assert any(post.author_id == central.pk for post in found)
    assert social_search(citizen, "ban tuyen giao", type="pages").accounts

    counts = (Post.objects.count(), Follow.objects.count(), Reaction.objects.count())
    again = io.StringIO()
    load_demo(again)
    assert (Post.objects.count(), Follow.objects.count(), Reaction.objects.count()) == counts
    assert again.getvalue().strip()
