"""Fixtures for the graph, groups and pages tests: unit admins and a few groups."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory
from vcnet.social.models import Actor, Group, GroupKind, Post, Visibility
from vcnet.social.services.actors import actor_for_user
from vcnet.social.services.groups import group_create


@pytest.fixture
def unit_admin(province: Unit) -> User:
    """Administrator of the Nghệ An unit."""
    user = cast(User, UserFactory(full_name="Hoàng Thị Lan", email="quantri@nghean.vcnet.test"))
    MembershipFactory(user=user, unit=province, role=Role.UNIT_ADMIN)
    return user


@pytest.fixture
def other_admin(other_province: Unit) -> User:
    """Administrator of the Hà Tĩnh unit (another unit)."""
    user = cast(User, UserFactory(full_name="Vũ Quốc Huy", email="quantri@hatinh.vcnet.test"))
    MembershipFactory(user=user, unit=other_province, role=Role.UNIT_ADMIN)
    return user


@pytest.fixture
def citizen2(db: None) -> User:
    user = cast(User, UserFactory(full_name="Bùi Thị Hạnh", email="hanh.bui@example.vn"))
    return user


def login(client: Client, user: User, *, english: bool = True) -> Client:
    """Sign `user` in; pages answer in English for text assertions."""
    from django.conf import settings

    client.force_login(user)
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_group(owner: User, slug: str, kind: str = GroupKind.PUBLIC, **kw: Any) -> Group:
    return group_create(user=owner, name=kw.pop("name", f"Nhóm {slug}"), slug=slug, kind=kind, **kw)


def group_post(author: User, group: Group, text: str) -> Post:
    """A post in a group, stored as post_create would store it."""
    actor: Actor = actor_for_user(author)
    return Post.objects.create(
        author=actor,
        created_by=author,
        text=text,
        html=f"<p>{text}</p>",
        visibility=Visibility.GROUP,
        group=group,
    )
