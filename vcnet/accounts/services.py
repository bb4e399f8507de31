"""Every change to people, units and memberships: permission check, transaction, audit entry."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit, UnitLevel, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, PermissionDeniedError


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDeniedError(_("Only administrators may change the organisation."))


def unit_create(
    *,
    actor: User | None,
    code: str,
    short_name: str,
    name: str,
    level: UnitLevel,
    parent: Unit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Unit:
    """Add a unit under `parent` (or at the top); `actor=None` means the system (seeding)."""
    _require_admin(actor)
    if Unit.objects.filter(code=code).exists():
        raise Conflict(_("A unit with this code already exists."))
    with transaction.atomic():
        unit = Unit.objects.create(
            code=code,
            short_name=short_name,
            name=name,
            level=level,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        audit_write(
            actor=actor, action="unit.create", obj=unit, data={"code": code}, request=request
        )
    return unit


def membership_add(
    *,
    actor: User | None,
    user: User,
    unit: Unit,
    role: Role | str,
    title: str = "",
    request: HttpRequest | None = None,
) -> Membership:
    """Give `user` a role in `unit`."""
    _require_admin(actor)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, unit=unit, role=role, defaults={"title": title}
        )
        if not created:
            raise Conflict(_("This person already holds this role in this unit."))
        audit_write(
            actor=actor,
            action="membership.add",
            obj=membership,
            data={"user": user.pk, "unit": unit.pk, "role": str(role)},
            request=request,
        )
    return membership
