"""Who may see and manage which signing certificate: the one access function
(`certificate_for_user`) and the selectors of usable certificates."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit
from vcnet.core.errors import NotFound
from vcnet.signing.models import Certificate

__all__ = [
    "can_issue_seal",
    "can_manage_certificate",
    "certificate_for_user",
    "certificates_for_signing",
    "certificates_of",
    "certificates_visible",
    "seal_certificate",
]


def _is_staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _is_unit_admin(user: Any, unit: Unit) -> bool:
    return Membership.objects.filter(user=user, unit=unit, role=Role.UNIT_ADMIN).exists()


def can_issue_seal(user: Any, unit: Unit) -> bool:
    """Staff, or an administrator of that unit (None: the system, from a command)."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    return _is_staff(user) or _is_unit_admin(user, unit)


def can_manage_certificate(user: Any, certificate: Certificate) -> bool:
    """Who may revoke: staff, the owner of a personal certificate, an admin of the seal's unit
    (None: the system, from a command)."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if _is_staff(user):
        return True
    if certificate.purpose == Certificate.Purpose.PERSONAL:
        return certificate.owner_id == user.pk
    return certificate.unit is not None and _is_unit_admin(user, certificate.unit)


def certificates_of(user: Any) -> QuerySet[Certificate]:
    """A person's own certificates: their personal ones and the seals of their units."""
    qs = Certificate.objects.select_related("owner", "unit", "issued_by")
    if not user.is_authenticated:
        return qs.none()
    units = Membership.objects.filter(user=user).values("unit_id")
    return qs.filter(
        Q(owner=user, purpose=Certificate.Purpose.PERSONAL)
        | Q(purpose=Certificate.Purpose.SEAL, unit_id__in=units)
    )


def certificates_visible(user: Any) -> QuerySet[Certificate]:
    """The certificates a person may see: their own, their units' seals; staff see all."""
    if _is_staff(user):
        return Certificate.objects.select_related("owner", "unit", "issued_by")
    return certificates_of(user)


def certificate_for_user(user: Any, certificate_id: int) -> Certificate:
    """The one access function for a certificate: NotFound unless `user` may see it."""
    certificate = certificates_visible(user).filter(pk=certificate_id).first()
    if certificate is None:
        raise NotFound(_("This certificate does not exist or is not yours."))
    return certificate


def _usable_now() -> dict[str, Any]:
    now = timezone.now()
    return {"status": Certificate.Status.ACTIVE, "not_before__lte": now, "not_after__gt": now}


def certificates_for_signing(user: Any) -> QuerySet[Certificate]:
    """The user's personal certificates that can sign now, newest first."""
    return Certificate.objects.filter(
        owner=user, purpose=Certificate.Purpose.PERSONAL, **_usable_now()
    ).order_by("-created_at", "-pk")


def seal_certificate(unit: Unit) -> Certificate | None:
    """The unit's seal certificate that can sign now (the newest), or None."""
    return (
        Certificate.objects.filter(unit=unit, purpose=Certificate.Purpose.SEAL, **_usable_now())
        .order_by("-created_at", "-pk")
        .first()
    )
