"""Who moderates what: site, unit and group moderators, the cases each sees and may act on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound
from vcnet.moderation import access
from vcnet.moderation.models import Case, ModeratorRole, ModeratorScope
from vcnet.moderation.services import report_create
from vcnet.moderation.tests.conftest_mod import Mod, citizen_user
from vcnet.social.models import Actor, ActorKind, PageRole, PageRoleKind, Post, PostState
from vcnet.social.services.moderation import post_state_set
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db

POST_ALL = [
    "dismiss",
    "label",
    "limit",
    "warning_screen",
    "remove",
    "warn",
    "suspend",
    "ban",
]


def _report(mod: Mod, target_kind: str, target_id: int, reporter: User | None = None) -> Case:
    report = report_create(
        user=reporter or mod.reporter,
        target_kind=target_kind,
        target_id=target_id,
        reason_code="false_information",
    )
    return report.case


def _other_page_post(mod: Mod) -> Post:
    """A post of Hà Tĩnh's page: the other province."""
    editor = citizen_user("Ngô Thị Lan", "lan@hatinh.vcnet.test")
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=mod.other_province,
        handle="btg_hatinh",
        display_name="Ban Tuyên giáo Tỉnh ủy Hà Tĩnh",
        verified=True,
    )
    PageRole.objects.create(page=page, user=editor, role=PageRoleKind.EDITOR)
    return post_create(user=editor, as_actor=page, text="Hà Tĩnh thông báo lịch nghỉ Tết.")


def test_site_moderators(mod: Mod, admin: User) -> None:
    assert access.is_site_moderator(mod.site_mod)
    assert access.is_site_moderator(admin)  # superusers moderate everything
    assert not access.is_site_moderator(mod.unit_mod)
    assert not access.is_site_moderator(mod.group_mod)
    assert not access.is_site_moderator(mod.reporter)
    assert not access.is_site_moderator(AnonymousUser())  # type: ignore[arg-type]
    assert not access.is_site_moderator(None)


def test_moderators_of_anything(mod: Mod) -> None:
    assert access.is_moderator(mod.site_mod)
    assert access.is_moderator(mod.unit_mod)
    assert access.is_moderator(mod.group_mod)  # by the group's own moderator role
    assert not access.is_moderator(mod.reporter)
    assert not access.is_moderator(mod.author)
    assert not access.is_moderator(AnonymousUser())  # type: ignore[arg-type]


def test_inactive_moderator_moderates_nothing(mod: Mod) -> None:
    mod.site_mod.is_active = False
    mod.site_mod.save(update_fields=["is_active"])
    assert not access.is_site_moderator(mod.site_mod)
    assert not access.is_moderator(mod.site_mod)
    assert not Case.objects.filter(access.cases_q(mod.site_mod)).exists()


def test_each_moderator_sees_the_cases_of_their_scope(mod: Mod) -> None:
    plain = _report(mod, "post", mod.post.pk)
    in_group = _report(mod, "post", mod.group_post.pk)
    of_unit = _report(mod, "post", mod.unit_post.pk)
    other_unit = _report(mod, "post", _other_page_post(mod).pk)

    def seen(user: User) -> set[int]:
        return set(Case.objects.filter(access.cases_q(user)).values_list("pk", flat=True))

    assert seen(mod.site_mod) == {plain.pk, in_group.pk, of_unit.pk, other_unit.pk}
    assert seen(mod.unit_mod) == {of_unit.pk}
    assert seen(mod.group_mod) == {in_group.pk}
    assert seen(mod.reporter) == set()
    assert seen(AnonymousUser()) == set()  # type: ignore[arg-type]


def test_a_unit_moderator_covers_the_units_below(mod: Mod) -> None:
    of_unit = _report(mod, "post", mod.unit_post.pk)
    central_mod = citizen_user("Trịnh Văn Cao", "cao@btgtw.vcnet.test")
    assert mod.province.parent is not None
    ModeratorRole.objects.create(
        user=central_mod, scope=ModeratorScope.UNIT, unit=mod.province.parent
    )
    assert access.case_for_moderator(central_mod, of_unit.pk) == of_unit
    assert "suspend" in access.allowed_kinds(central_mod, of_unit)


def test_a_group_role_grants_the_group_only(mod: Mod) -> None:
    in_group = _report(mod, "post", mod.group_post.pk)
    plain = _report(mod, "post", mod.post.pk)
    helper = citizen_user("Lý Thị Mai", "mai@congdan.vn")
    ModeratorRole.objects.create(user=helper, scope=ModeratorScope.GROUP, group=mod.group)
    assert access.is_moderator(helper)
    assert access.case_for_moderator(helper, in_group.pk) == in_group
    with pytest.raises(NotFound):
        access.case_for_moderator(helper, plain.pk)


def test_case_for_moderator_hides_cases_out_of_scope(mod: Mod) -> None:
    plain = _report(mod, "post", mod.post.pk)
    of_unit = _report(mod, "post", mod.unit_post.pk)
    other_unit = _report(mod, "post", _other_page_post(mod).pk)
    assert access.case_for_moderator(mod.site_mod, plain.pk) == plain
    assert access.case_for_moderator(mod.unit_mod, of_unit.pk) == of_unit
    for user, case in [
        (mod.group_mod, plain),
        (mod.group_mod, of_unit),
        (mod.unit_mod, plain),
        (mod.unit_mod, other_unit),
        (mod.reporter, plain),
    ]:
        with pytest.raises(NotFound, match="Case not found"):
            access.case_for_moderator(user, case.pk)
    with pytest.raises(NotFound):
        access.case_for_moderator(mod.site_mod, 999_999)


def test_allowed_kinds_by_target_and_scope(mod: Mod) -> None:
    in_group = _report(mod, "post", mod.group_post.pk)
    of_unit = _report(mod, "post", mod.unit_post.pk)
    profile = _report(mod, "profile", mod.author.actor.pk)
    mod.group.created_by = mod.author
    mod.group.save(update_fields=["created_by"])
    group = _report(mod, "group", mod.group.pk)
    assert access.allowed_kinds(mod.site_mod, in_group) == POST_ALL
    # A group's own moderator: no account-wide sanction.
    assert access.allowed_kinds(mod.group_mod, in_group) == [
        "dismiss",
        "label",
        "limit",
        "warning_screen",
        "remove",
    ]
    assert access.allowed_kinds(mod.unit_mod, of_unit) == POST_ALL
    assert access.allowed_kinds(mod.site_mod, profile) == [
        "dismiss",
        "label",
        "warn",
        "suspend",
        "ban",
    ]
    assert access.allowed_kinds(mod.site_mod, group) == [
        "dismiss",
        "label",
        "remove",
        "warn",
        "suspend",
        "ban",
    ]
    assert access.allowed_kinds(mod.reporter, in_group) == []
    assert access.allowed_kinds(mod.group_mod, of_unit) == []


def test_approve_only_for_a_held_post(mod: Mod) -> None:
    case = _report(mod, "post", mod.post.pk)
    assert "approve" not in access.allowed_kinds(mod.site_mod, case)
    post_state_set(post_id=mod.post.pk, state=PostState.HELD, reason="Chờ duyệt")
    case.refresh_from_db()
    assert access.allowed_kinds(mod.site_mod, case)[:2] == ["dismiss", "approve"]


def test_a_deleted_post_can_only_be_dismissed_or_its_author_sanctioned(mod: Mod) -> None:
    case = _report(mod, "post", mod.post.pk)
    Post.objects.filter(pk=mod.post.pk).delete()
    case.refresh_from_db()
    assert case.post is None
    assert access.allowed_kinds(mod.site_mod, case) == ["dismiss", "warn", "suspend", "ban"]
