"""Moderator roles (granted and revoked by site moderators) and the list of report reasons."""

from __future__ import annotations

from typing import Any

import pytest

from vcnet.accounts.models import User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.moderation import access
from vcnet.moderation.models import Case, ModeratorRole, ReportReason
from vcnet.moderation.services import (
    moderator_role_grant,
    moderator_role_revoke,
    reason_choices,
    report_create,
)
from vcnet.moderation.tests.conftest_mod import Mod

pytestmark = pytest.mark.django_db


def test_a_site_moderator_grants_a_unit_role(mod: Mod) -> None:
    case = report_create(
        user=mod.reporter2, target_kind="post", target_id=mod.unit_post.pk, reason_code="spam"
    ).case
    assert not access.is_moderator(mod.reporter)
    role = moderator_role_grant(
        user=mod.site_mod, target_user_id=mod.reporter.pk, scope="unit", unit_id=mod.province.pk
    )
    assert role.granted_by == mod.site_mod
    assert access.is_moderator(mod.reporter)
    assert access.case_for_moderator(mod.reporter, case.pk) == case
    assert AuditEntry.objects.filter(action="moderation.role_grant").count() == 1
    with pytest.raises(Conflict, match="already has this role"):
        moderator_role_grant(
            user=mod.site_mod,
            target_user_id=mod.reporter.pk,
            scope="unit",
            unit_id=mod.province.pk,
        )


def test_site_and_group_roles(mod: Mod, admin: User) -> None:
    site = moderator_role_grant(user=admin, target_user_id=mod.reporter.pk, scope="site")
    assert access.is_site_moderator(mod.reporter)
    with pytest.raises(Conflict):
        moderator_role_grant(user=admin, target_user_id=mod.reporter.pk, scope="site")
    group = moderator_role_grant(
        user=mod.site_mod, target_user_id=mod.reporter2.pk, scope="group", group_id=mod.group.pk
    )
    assert group.group == mod.group
    moderator_role_revoke(user=mod.site_mod, role_id=site.pk)
    assert not access.is_site_moderator(mod.reporter)
    assert AuditEntry.objects.filter(action="moderation.role_revoke").count() == 1
    with pytest.raises(NotFound):
        moderator_role_revoke(user=mod.site_mod, role_id=site.pk)


def test_only_site_moderators_grant_and_revoke(mod: Mod) -> None:
    unit_role = ModeratorRole.objects.get(user=mod.unit_mod)
    for user in (mod.unit_mod, mod.group_mod, mod.reporter):
        with pytest.raises(PermissionDeniedError, match="Only site moderators"):
            moderator_role_grant(user=user, target_user_id=mod.reporter2.pk, scope="site")
        with pytest.raises(PermissionDeniedError, match="Only site moderators"):
            moderator_role_revoke(user=user, role_id=unit_role.pk)
    assert ModeratorRole.objects.filter(pk=unit_role.pk).exists()


@pytest.mark.parametrize(
    ("scope", "unit", "group", "message"),
    [
        ("unit", False, False, "Choose the unit"),
        ("group", False, False, "Choose the group"),
        ("thế-giới", False, False, "Choose the whole site, a unit or a group."),
    ],
)
def test_bad_grants_are_refused_clearly(
    mod: Mod, scope: str, unit: bool, group: bool, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        moderator_role_grant(
            user=mod.site_mod,
            target_user_id=mod.reporter.pk,
            scope=scope,
            unit_id=999_999 if unit else None,
            group_id=None,
        )
    with pytest.raises(NotFound, match="Person not found"):
        moderator_role_grant(user=mod.site_mod, target_user_id=999_999, scope="site")


def test_reason_choices(db: None) -> None:
    codes = [reason.code for reason in reason_choices()]
    assert set(codes) == {"false_information", "spam", "harassment", "illegal", "other"}
    ReportReason.objects.filter(code="spam").update(active=False)
    ReportReason.objects.create(code="lua-dao", name="Lừa đảo", severity=4, position=0)
    codes = [reason.code for reason in reason_choices()]
    assert "spam" not in codes
    assert codes[0] == "lua-dao"


def test_the_admin_lists_reasons_roles_rules_and_cases(mod: Mod, admin: User, client: Any) -> None:
    report_create(user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam")
    client.force_login(admin)
    for name in ("reportreason", "moderatorrole", "rule", "case"):
        response = client.get(f"/admin/moderation/{name}/")
        assert response.status_code == 200, name
    case = Case.objects.get()
    page = client.get(f"/admin/moderation/case/{case.pk}/change/")
    assert page.status_code == 200
    assert "Nghe nói từ tháng sau" in page.content.decode()
    assert client.get("/admin/moderation/case/add/").status_code == 403
    # Reasons already used are retired, not deleted.
    spam = ReportReason.objects.get(code="spam")
    assert client.get(f"/admin/moderation/reportreason/{spam.pk}/delete/").status_code == 403
