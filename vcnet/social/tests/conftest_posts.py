"""Fixtures for the posts, access and text tests: people, a page, groups of each kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from vcnet.accounts.models import Unit, User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.social.models import (
    Actor,
    ActorKind,
    Follow,
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


def person(full_name: str, email: str) -> User:
    """A citizen (no unit) with their actor."""
    user: User = UserFactory(full_name=full_name, email=email)  # type: ignore[assignment]
    actor_for_user(user)
    return user


def follow(follower: User, target: Actor) -> None:
    Follow.objects.create(follower=actor_for_user(follower), target=target)


def join(
    group: Group, user: User, *, role: str = GroupRole.MEMBER, state: str = MemberState.ACTIVE
) -> None:
    GroupMembership.objects.create(group=group, user=user, role=role, state=state)


@dataclass
class World:
    an: User  # official of `province`, writes most posts
    binh: User  # follows An
    cuong: User  # a citizen who follows nobody
    dung: User  # official of `other_province`
    editor: User  # editor of the province's official page
    page: Actor
    province: Unit
    other_province: Unit
    public_group: Group
    private_group: Group
    unit_group: Group


@pytest.fixture
def world(official: User, outsider: User, province: Unit, other_province: Unit) -> World:
    binh = person("Trần Thị Bình", "binh@congdan.vn")
    cuong = person("Lê Văn Cường", "cuong@congdan.vn")
    editor = person("Hoàng Thị Giang", "giang@nghean.vcnet.test")
    actor_for_user(official)
    actor_for_user(outsider)
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        verified=True,
    )
    PageRole.objects.create(page=page, user=editor, role=PageRoleKind.EDITOR)
    follow(binh, actor_for_user(official))
    public_group = Group.objects.create(
        slug="ban-doc-nghe-an", name="Bạn đọc Nghệ An", kind=GroupKind.PUBLIC
    )
    private_group = Group.objects.create(
        slug="to-bien-tap", name="Tổ biên tập", kind=GroupKind.PRIVATE
    )
    unit_group = Group.objects.create(
        slug="can-bo-nghe-an", name="Cán bộ Nghệ An", kind=GroupKind.UNIT, unit=province
    )
    join(public_group, official)
    join(private_group, official, role=GroupRole.OWNER)
    join(private_group, binh, state=MemberState.PENDING)
    return World(
        an=official,
        binh=binh,
        cuong=cuong,
        dung=outsider,
        editor=editor,
        page=page,
        province=province,
        other_province=other_province,
        public_group=public_group,
        private_group=private_group,
        unit_group=unit_group,
    )


def raw_post(author: Actor, text: str = "Tuyên truyền chính sách BHYT", **fields: Any) -> Post:
    """A post written straight to the database (for visibility tests that skip the service)."""
    return Post.objects.create(author=author, text=text, html=f"<p>{text}</p>", **fields)
