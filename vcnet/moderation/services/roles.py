"""Moderator roles: granting and revoking them (site moderators only), and who moderates a case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.moderation.access import is_site_moderator
from vcnet.moderation.models import Case, ModeratorRole, ModeratorScope, ReportReason
from vcnet.social.access import MODERATOR_ROLES
from vcnet.social.models import Group, GroupKind, GroupMembership, MemberState

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "moderator_role_grant",
    "moderator_role_revoke",
    "moderators_for_case",
    "reason_choices",
]


def reason_choices() -> list[ReportReason]:
    """The reasons people may pick when they report something, in the administrators' order."""
    return list(ReportReason.objects.filter(active=True).order_by("position", "id"))


def moderators_for_case(case: Case) -> set[int]:
    """User ids of everyone who may handle the case: site moderators, moderators of its unit or
    a unit above it, moderators of its group (by role here or by the group's own roles)."""
    q = Q(scope=ModeratorScope.SITE)
    if case.scope_unit_id is not None:
        unit = case.scope_unit or Unit.objects.filter(pk=case.scope_unit_id).first()
        if unit is not None:
            ancestors = [int(part) for part in unit.path.strip("/").split("/") if part.isdigit()]
            q |= Q(scope=ModeratorScope.UNIT, unit_id__in=[*ancestors, unit.pk])
    if case.scope_group_id is not None:
        q |= Q(scope=ModeratorScope.GROUP, group_id=case.scope_group_id)
    ids = set(
        ModeratorRole.objects.filter(q, user__is_active=True).values_list("user_id", flat=True)
    )
    if case.scope_group_id is not None:
        ids |= set(
            GroupMembership.objects.filter(
                group_id=case.scope_group_id, state=MemberState.ACTIVE, role__in=MODERATOR_ROLES
            ).values_list("user_id", flat=True)
        )
        group = case.scope_group or Group.objects.filter(pk=case.scope_group_id).first()
        if group is not None and group.kind == GroupKind.UNIT and group.unit_id is not None:
            ids |= set(
                Membership.objects.filter(unit_id=group.unit_id, role=Role.UNIT_ADMIN).values_list(
                    "user_id", flat=True
                )
            )
    return ids


def moderator_role_grant(
    *,
    user: User,
    target_user_id: int,
    scope: str,
    unit_id: int | None = None,
    group_id: int | None = None,
    request: HttpRequest | None = None,
) -> ModeratorRole:
    """Make a person a moderator of the whole site, of a unit (and the units under it) or of a
    group. Site moderators only."""
    if not is_site_moderator(user):
        raise PermissionDeniedError(_("Only site moderators may grant moderator roles."))
    target = User.objects.filter(pk=target_user_id, is_active=True).first()
    if target is None:
        raise NotFound(_("Person not found."))
    unit: Unit | None = None
    group: Group | None = None
    if scope == ModeratorScope.SITE:
        pass
    elif scope == ModeratorScope.UNIT:
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
        if unit is None:
            raise DomainError(_("Choose the unit this person will moderate."))
    elif scope == ModeratorScope.GROUP:
        group = Group.objects.filter(pk=group_id).first() if group_id is not None else None
        if group is None:
            raise DomainError(_("Choose the group this person will moderate."))
    else:
        raise DomainError(_("Choose the whole site, a unit or a group."))
    with transaction.atomic():
        if ModeratorRole.objects.filter(user=target, scope=scope, unit=unit, group=group).exists():
            raise Conflict(_("This person already has this role."))
        try:
            with transaction.atomic():
                role = ModeratorRole.objects.create(
                    user=target, scope=scope, unit=unit, group=group, granted_by=user
                )
        except IntegrityError as exc:
            raise Conflict(_("This person already has this role.")) from exc
        audit_write(
            actor=user,
            action="moderation.role_grant",
            obj=role,
            data={"user": target.pk, "scope": scope, "unit": unit_id, "group": group_id},
            request=request,
        )
    return role


def moderator_role_revoke(*, user: User, role_id: int, request: HttpRequest | None = None) -> None:
    """Take a moderator role away. Site moderators only."""
    if not is_site_moderator(user):
        raise PermissionDeniedError(_("Only site moderators may revoke moderator roles."))
    with transaction.atomic():
        role = ModeratorRole.objects.select_for_update().filter(pk=role_id).first()
        if role is None:
            raise NotFound(_("Moderator role not found."))
        audit_write(
            actor=user,
            action="moderation.role_revoke",
            obj=role,
            data={
                "user": role.user_id,
                "scope": role.scope,
                "unit": role.unit_id,
                "group": role.group_id,
            },
            request=request,
        )
        role.delete()
