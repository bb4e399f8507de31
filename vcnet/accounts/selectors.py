"""Reads about people and units, with the visibility rules in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import NotFound
from vcnet.core.text import fold


@dataclass
class UnitNode:
    """A unit with its children, for drawing the tree."""

    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def memberships_of(user: User) -> QuerySet[Membership]:
    """The roles `user` holds, with their units, top of the tree first."""
    return (
        Membership.objects.filter(user=user)
        .select_related("unit", "unit__level")
        .order_by("unit__path", "role")
    )


def unit_ids_of(user: User) -> set[int]:
    """Ids of the units `user` is a member of."""
    return set(Membership.objects.filter(user=user).values_list("unit_id", flat=True))


def unit_tree(*, day: dt.date | None = None) -> list[UnitNode]:
    """The units that exist on `day` as a forest, built from one query."""
    units = list(Unit.objects.valid_on(day).select_related("level").order_by("path"))
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(nodes[unit.pk])
    return roots


def user_may_see_members(viewer: User, unit: Unit) -> bool:
    """Members of a unit, of any unit above it, and administrators see who works there."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser:
        return True
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return Membership.objects.filter(user=viewer, unit_id__in=ancestor_ids).exists()


def unit_members(*, viewer: User, unit: Unit) -> QuerySet[Membership]:
    """Who holds which role in `unit`; NotFound for a viewer who may not see it."""
    if not user_may_see_members(viewer, unit):
        raise NotFound(_("Unit not found."))
    return (
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def user_for_viewer(*, viewer: User, user_id: int) -> User:
    """Another person's profile: themselves, colleagues of a shared unit, and administrators.

    Anyone else gets NotFound, so the API does not even reveal that the account exists.
    """
    if not viewer.is_authenticated:
        raise NotFound(_("User not found."))
    if viewer.pk == user_id or viewer.is_superuser:
        user = User.objects.filter(pk=user_id).first()
    else:
        shared = Membership.objects.filter(user_id=user_id, unit_id__in=unit_ids_of(viewer))
        user = User.objects.filter(pk=user_id, pk__in=shared.values("user_id")).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user


def has_role(user: User, *roles: Role) -> bool:
    """Whether `user` holds any of `roles` in any unit."""
    return Membership.objects.filter(user=user, role__in=roles).exists()


def unit_list(*, parent_id: int | None = None, q: str = "") -> QuerySet[Unit]:
    """Units for the directory, any validity; `q` matches code, short name or name ignoring diacritics.

    The folded match runs in Python over (id, code, short_name, name) rows, which is fine for
    the few thousand units of an organisation; a folded, indexed column would replace it beyond.
    """
    units = Unit.objects.select_related("level")
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    needle = fold(q)
    if needle:
        units = units.filter(search_text__contains=needle)
    return units


def unit_get(*, unit_id: int) -> Unit:
    """One unit of the directory (units are public to signed-in people); NotFound if none."""
    unit = Unit.objects.select_related("level").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("Unit not found."))
    return unit
