"""Who may read a document, in one place (STYLE rule 7).

A person reads a document when a `DocumentAccess` row names them, or names a role they hold in a
unit. The services grant as people take part: the registry and the leaders of the holding unit
(only the roles `ROLES_BY_CONFIDENTIALITY` allows), everyone directed, assigned, asked to approve
or sign, and the leaders of the units named in a direction. Site administrators get no blanket
right: they administer the system, not its documents.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import NotFound
from vcnet.documents.models import Confidentiality, Document, DocumentAccess

# Which roles of the holding unit may read a document of each confidentiality level without
# being named on it. Decree 30 leaves this to each organisation's rules; this is the default.
ROLES_BY_CONFIDENTIALITY: dict[int, tuple[str, ...]] = {
    Confidentiality.NORMAL: (Role.CLERK, Role.LEADER),
    Confidentiality.SECRET: (Role.CLERK, Role.LEADER),
    Confidentiality.TOP_SECRET: (Role.LEADER,),
    Confidentiality.ABSOLUTE_SECRET: (Role.LEADER,),
}


def holder_q(user: User, prefix: str = "") -> Q:
    """Matches grants (or work items) addressed to `user` or to a role `user` holds."""
    q = Q(**{f"{prefix}user_id": user.pk})
    for unit_id, role in Membership.objects.filter(user=user).values_list("unit_id", "role"):
        q |= Q(**{f"{prefix}unit_id": unit_id, f"{prefix}role": role})
    return q


def readable_documents(user: User) -> QuerySet[Document]:
    """Every document `user` may read (an `EXISTS` over the grants, so it composes and pages)."""
    if not user.is_authenticated:
        return Document.objects.none()
    grants = DocumentAccess.objects.filter(holder_q(user), document_id=OuterRef("pk"))
    return Document.objects.filter(Exists(grants))


def readable_ids(user: User) -> QuerySet[DocumentAccess, Any]:
    """The ids of the documents `user` may read, as a subquery (for the search index)."""
    return DocumentAccess.objects.filter(holder_q(user)).values("document_id")


def can_read(user: User, document: Document) -> bool:
    if not user.is_authenticated:
        return False
    return DocumentAccess.objects.filter(holder_q(user), document_id=document.pk).exists()


def document_for_user(user: User, document_id: int) -> Document:
    """The document if `user` may read it; NotFound otherwise, so nobody learns it exists."""
    document = (
        readable_documents(user)
        .select_related("unit", "doc_type", "register", "signer", "drafting_unit", "origin")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound(_("Document not found."))
    return document


def grant_user(document: Document, user: User | None, reason: str = "") -> None:
    """Let `user` read `document` (idempotent)."""
    if user is None:
        return
    DocumentAccess.objects.get_or_create(document=document, user=user, defaults={"reason": reason})


def grant_role(document: Document, unit: Unit | int, role: str, reason: str = "") -> None:
    """Let everyone holding `role` in `unit` read `document` (idempotent)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    DocumentAccess.objects.get_or_create(
        document=document, unit_id=unit_id, role=role, defaults={"reason": reason}
    )


def grant_holding_unit(document: Document) -> None:
    """The roles of the holding unit that the document's confidentiality allows."""
    for role in ROLES_BY_CONFIDENTIALITY[document.confidentiality]:
        grant_role(document, document.unit_id, role, "unit")


def unit_role_holders(unit: Unit | int, role: str) -> QuerySet[User]:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return User.objects.filter(
        is_active=True, memberships__unit_id=unit_id, memberships__role=role
    ).distinct()


def holds_role(user: User, unit: Unit | int, *roles: str) -> bool:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return Membership.objects.filter(user=user, unit_id=unit_id, role__in=roles).exists()
