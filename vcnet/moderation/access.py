"""Who moderates what: site, unit and group moderators, the cases each may see, the actions each
may take. Every page, API handler and service of the moderation app asks here.

A case is in a person's scope when they moderate the whole site, the unit it belongs to (or a
unit above it), or the group it sits in. Group-only moderators handle what is in their group but
cannot warn, suspend or ban: those are account-wide sanctions.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound
from vcnet.moderation.models import (
    ActionKind,
    Case,
    CaseState,
    ModeratorRole,
    ModeratorScope,
    TargetKind,
)
from vcnet.social.access import moderated_groups_q
from vcnet.social.models import Group, PostState

__all__ = [
    "ACCOUNT_SANCTIONS",
    "FULL",
    "GROUP",
    "allowed_kinds",
    "case_for_moderator",
    "case_scope",
    "cases_q",
    "full_scope_q",
    "group_scope_q",
    "is_moderator",
    "is_site_moderator",
    "kinds_for_scope",
]

FULL = "full"  # site or unit moderator of the case: every action
GROUP = "group"  # moderator of the case's group only: no account-wide sanction

# Actions on a person's whole account, kept from group-only moderators.
ACCOUNT_SANCTIONS = (ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN)

# What can be done to each kind of target, in the order the form offers them.
KINDS_BY_TARGET: dict[str, tuple[str, ...]] = {
    TargetKind.POST: (
        ActionKind.DISMISS,
        ActionKind.APPROVE,
        ActionKind.LABEL,
        ActionKind.LIMIT,
        ActionKind.WARNING_SCREEN,
        ActionKind.REMOVE,
        ActionKind.WARN,
        ActionKind.SUSPEND,
        ActionKind.BAN,
    ),
    TargetKind.PROFILE: (
        ActionKind.DISMISS,
        ActionKind.LABEL,
        ActionKind.WARN,
        ActionKind.SUSPEND,
        ActionKind.BAN,
    ),
    TargetKind.GROUP: (
        ActionKind.DISMISS,
        ActionKind.LABEL,
        ActionKind.REMOVE,
        ActionKind.WARN,
        ActionKind.SUSPEND,
        ActionKind.BAN,
    ),
}


def _signed_in(user: Any) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _roles(user: User) -> list[ModeratorRole]:
    """The person's moderator roles (read each time: a role granted a moment ago counts)."""
    return list(ModeratorRole.objects.filter(user_id=user.pk).select_related("unit"))


def _unit_paths(user: User) -> list[str]:
    """The tree paths of the units the person moderates (a unit and every unit under it)."""
    return [
        role.unit.path
        for role in _roles(user)
        if role.scope == ModeratorScope.UNIT
        and role.unit is not None
        and len(role.unit.path) > 1  # "/" would be every unit: a unit saved outside the service
    ]


def is_site_moderator(user: User | None) -> bool:
    """Superusers and people with a site-wide moderator role."""
    if not _signed_in(user) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(role.scope == ModeratorScope.SITE for role in _roles(user))


def is_moderator(user: User | None) -> bool:
    """Whether the person moderates anything: a moderator role, or a group by its own roles."""
    if not _signed_in(user) or not user.is_active:
        return False
    if user.is_superuser or _roles(user):
        return True
    return Group.objects.filter(moderated_groups_q(user)).exists()


def full_scope_q(user: User | None) -> Q:
    """A filter on Case: the cases the person handles with every action (site or unit role)."""
    if not _signed_in(user) or not user.is_active:
        return Q(pk__in=[])
    if is_site_moderator(user):
        return Q()
    q = Q(pk__in=[])
    for path in _unit_paths(user):
        q |= Q(scope_unit__path__startswith=path)
    return q


def group_scope_q(user: User | None) -> Q:
    """A filter on Case: the cases in groups the person moderates (a group role or the group's
    own moderator and owner roles)."""
    if not _signed_in(user) or not user.is_active:
        return Q(pk__in=[])
    role_groups = ModeratorRole.objects.filter(user_id=user.pk, scope=ModeratorScope.GROUP).values(
        "group_id"
    )
    social_groups = Group.objects.filter(moderated_groups_q(user)).values("pk")
    return Q(scope_group_id__in=role_groups) | Q(scope_group_id__in=social_groups)


def cases_q(user: User | None) -> Q:
    """A filter on Case: every case the person may see and handle."""
    if not _signed_in(user) or not user.is_active:
        return Q(pk__in=[])
    if is_site_moderator(user):
        return Q()
    return full_scope_q(user) | group_scope_q(user)


def case_scope(user: User | None, case: Case) -> str | None:
    """How far the person may act on the case: FULL, GROUP or None (not theirs)."""
    if not _signed_in(user) or not user.is_active:
        return None
    if is_site_moderator(user):
        return FULL
    if case.scope_unit_id is not None:
        path = case.scope_unit.path if case.scope_unit is not None else ""
        if any(path.startswith(prefix) for prefix in _unit_paths(user)):
            return FULL
    if case.scope_group_id is not None:
        if any(
            role.scope == ModeratorScope.GROUP and role.group_id == case.scope_group_id
            for role in _roles(user)
        ):
            return GROUP
        if Group.objects.filter(moderated_groups_q(user), pk=case.scope_group_id).exists():
            return GROUP
    return None


def case_for_moderator(user: User | None, case_id: int) -> Case:
    """The case if the person may handle it; NotFound otherwise (nobody learns it exists)."""
    case = (
        Case.objects.filter(cases_q(user), pk=case_id)
        .select_related(
            "post",
            "actor",
            "group",
            "subject_user",
            "subject_actor",
            "scope_group",
            "scope_unit",
        )
        .first()
    )
    if case is None:
        raise NotFound(_("Case not found."))
    return case


def kinds_for_scope(scope: str | None, target_kind: str) -> list[str]:
    """Every action a scope allows on a kind of target, whatever the item's state."""
    if scope is None:
        return []
    kinds = [str(kind) for kind in KINDS_BY_TARGET.get(target_kind, ())]
    if scope != FULL:
        kinds = [kind for kind in kinds if kind not in ACCOUNT_SANCTIONS]
    return kinds


def allowed_kinds(user: User | None, case: Case) -> list[str]:
    """The actions the person may take on the case now.

    Approve is for held posts only; an item that no longer exists can only be dismissed (or its
    author sanctioned); a closed case is not dismissed again.
    """
    kinds = kinds_for_scope(case_scope(user, case), case.target_kind)
    if not kinds:
        return []
    item_gone = {
        TargetKind.POST: case.post_id is None,
        TargetKind.PROFILE: case.actor_id is None,
        TargetKind.GROUP: case.group_id is None,
    }.get(TargetKind(case.target_kind), True)
    has_subject = case.subject_actor_id is not None
    out: list[str] = []
    for kind in kinds:
        if kind == ActionKind.DISMISS:
            if case.state == CaseState.OPEN:
                out.append(kind)
        elif kind == ActionKind.WARN:
            if case.subject_user_id is not None:
                out.append(kind)
        elif kind in ACCOUNT_SANCTIONS:
            if has_subject:
                out.append(kind)
        elif item_gone:
            continue
        elif kind == ActionKind.APPROVE:
            if case.post is not None and case.post.state == PostState.HELD:
                out.append(kind)
        else:
            out.append(kind)
    return [str(kind) for kind in out]
