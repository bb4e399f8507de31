"""Written, time-limited TUQ. delegations of signing authority (Decree 30 Art. 13): given by a
leader of the unit (or recorded by an administrator), never passed on, revocable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import holds_role
from vcnet.documents.models import Delegation
from vcnet.documents.services import outgoing_checks as checks

__all__ = ["delegation_create", "delegation_revoke"]


def delegation_create(
    *,
    actor: User,
    unit: Unit,
    grantor: User,
    delegate: User,
    scope: str,
    reference: str,
    valid_from: dt.date,
    valid_to: dt.date,
    request: HttpRequest | None = None,
) -> Delegation:
    """A written TUQ. delegation: by the head (or an administrator); not to be passed on."""
    if not (actor.is_superuser or actor.pk == grantor.pk):
        raise PermissionDeniedError(_("Only the person who delegates may sign the delegation."))
    if not holds_role(grantor, unit, Role.LEADER):
        if checks.delegation_find(unit=unit, delegate=grantor, day=timezone.localdate()):
            raise PermissionDeniedError(
                _("Authority received by delegation (TUQ.) cannot be passed on.")
            )
        raise PermissionDeniedError(_("Only a leader of the unit may delegate signing."))
    if grantor.pk == delegate.pk:
        raise DomainError(_("A person cannot delegate to themselves."))
    if not holds_role(delegate, unit, *Role.values):
        raise DomainError(_("The delegate must be a member of the unit."))
    scope = (scope or "").strip()
    reference = (reference or "").strip()
    if not scope or len(scope) > 500:
        raise DomainError(_("Describe the scope of the delegation (at most 500 characters)."))
    if not reference or len(reference) > 100:
        raise DomainError(_("Give the number of the written decision (at most 100 characters)."))
    if valid_to < valid_from:
        raise DomainError(_("The delegation must end on or after the day it starts."))
    if valid_to < timezone.localdate():
        raise DomainError(_("The delegation would already have ended."))
    with transaction.atomic():
        delegation = Delegation.objects.create(
            unit=unit,
            grantor=grantor,
            delegate=delegate,
            scope=scope,
            reference=reference,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        audit_write(
            actor=actor,
            action="delegation.create",
            obj=delegation,
            data=_delegation_data(delegation),
            request=request,
        )
    return delegation


def _delegation_data(delegation: Delegation) -> dict[str, Any]:
    return {
        "unit": delegation.unit_id,
        "grantor": delegation.grantor_id,
        "delegate": delegation.delegate_id,
        "from": delegation.valid_from.isoformat(),
        "to": delegation.valid_to.isoformat(),
        "reference": delegation.reference,
    }


def delegation_revoke(
    *, actor: User, delegation: Delegation, request: HttpRequest | None = None
) -> Delegation:
    """End a delegation early: by its grantor, a leader of the unit, or an administrator."""
    if not (
        actor.is_superuser
        or actor.pk == delegation.grantor_id
        or holds_role(actor, delegation.unit_id, Role.LEADER)
    ):
        raise PermissionDeniedError(_("You may not revoke this delegation."))
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if delegation.revoked_at is not None:
            raise Conflict(_("This delegation has already been revoked."))
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        audit_write(
            actor=actor,
            action="delegation.revoke",
            obj=delegation,
            data=_delegation_data(delegation),
            request=request,
        )
    return delegation
