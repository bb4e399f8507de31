"""A small social world with moderators of each scope, for the moderation tests.

- `author` (Lê Văn Tám, a citizen) wrote `post`, a public post; `reporter` and `reporter2` are citizens.
- `site_mod`: a site-wide moderator; `unit_mod`: moderates the province (and units under it);
  `group_mod`: a moderator of `group` (a public group) by the group's own role, and nothing else;
  `other_mod`: a second site moderator (appeals need another moderator).
- `group_post`: a post by `author` in `group`; `unit_post`: a page post of the province's page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from vcnet.accounts.models import Unit, User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.moderation.models import ModeratorRole, ModeratorScope
from vcnet.social.models import (
    Actor,
    ActorKind,
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    MemberState,
    PageRole,
    PageRoleKind,
    Post,
)
from vcnet.social.services.actors import actor_for_user
from vcnet.social.services.posts import post_create


def browser(user: User | None = None) -> Client:
    """A browser in English, signed in as `user` when given."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def citizen_user(full_name: str, email: str) -> User:
    """A citizen (no unit) with their social profile."""
    user: User = UserFactory(full_name=full_name, email=email)  # type: ignore[assignment]
    actor_for_user(user)
    return user


@dataclass
class Mod:
    author: User
    reporter: User
    reporter2: User
    site_mod: User
    other_mod: User
    unit_mod: User
    group_mod: User
    page_editor: User
    page: Actor
    group: Group
    post: Post
    group_post: Post
    unit_post: Post
    province: Unit
    other_province: Unit


@pytest.fixture
def mod(province: Unit, other_province: Unit) -> Mod:
    author = citizen_user("Lê Văn Tám", "tam@congdan.vn")
    reporter = citizen_user("Trần Thị Hoa", "hoa@congdan.vn")
    reporter2 = citizen_user("Phạm Văn Long", "long@congdan.vn")
    site_mod = citizen_user("Nguyễn Thị Kiểm", "kiemduyet@vcnet.test")
    other_mod = citizen_user("Võ Văn Duyệt", "duyet@vcnet.test")
    unit_mod = citizen_user("Đặng Thu Hà", "ha@nghean.vcnet.test")
    group_mod = citizen_user("Bùi Quang Minh", "minh@congdan.vn")
    page_editor = citizen_user("Hoàng Thị Giang", "giang@nghean.vcnet.test")
    ModeratorRole.objects.create(user=site_mod, scope=ModeratorScope.SITE)
    ModeratorRole.objects.create(user=other_mod, scope=ModeratorScope.SITE)
    ModeratorRole.objects.create(user=unit_mod, scope=ModeratorScope.UNIT, unit=province)
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        verified=True,
    )
    PageRole.objects.create(page=page, user=page_editor, role=PageRoleKind.EDITOR)
    group = Group.objects.create(
        slug="ban-doc-nghe-an", name="Bạn đọc Nghệ An", kind=GroupKind.PUBLIC
    )
    GroupMembership.objects.create(group=group, user=author, state=MemberState.ACTIVE)
    GroupMembership.objects.create(
        group=group, user=group_mod, role=GroupRole.MODERATOR, state=MemberState.ACTIVE
    )
    post = post_create(user=author, text="Nghe nói từ tháng sau xăng sẽ miễn phí cho mọi người!")
    group_post = post_create(
        user=author, text="Ai biết lịch cắt điện khu vực Vinh không?", group=group
    )
    unit_post = post_create(
        user=page_editor,
        as_actor=page,
        text="Thông báo lịch tiếp công dân tháng 12 của Ban Tuyên giáo Tỉnh ủy.",
    )
    return Mod(
        author=author,
        reporter=reporter,
        reporter2=reporter2,
        site_mod=site_mod,
        other_mod=other_mod,
        unit_mod=unit_mod,
        group_mod=group_mod,
        page_editor=page_editor,
        page=page,
        group=group,
        post=post,
        group_post=group_post,
        unit_post=unit_post,
        province=province,
        other_province=other_province,
    )
