"""Checks behind the outgoing services: who may do what, valid draft fields, valid delegations.

Kept apart from `outgoing.py` (STYLE rule 4); every function here either returns a cleaned value
or raises a `DomainError` with a message the user can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.documents.access import can_read, holds_role
from vcnet.documents.models import (
    Confidentiality,
    Delegation,
    Delivery,
    Direction,
    Document,
    DocumentType,
    Priority,
    SigningMode,
    UnitProfile,
)

DRAFTER_ROLES = (Role.OFFICIAL, Role.LEADER, Role.CLERK)

# (attribute, max length, label) of the free-text fields of a draft.
TEXT_LIMITS: tuple[tuple[str, int], ...] = (
    ("subject", 500),
    ("signer_position", 100),
    ("signer_name", 50),
    ("on_behalf_of", 150),
    ("recipients_text", 1000),
    ("description", 500),
)


@dataclass
class Recipient:
    """A checked recipient, ready to become a `Delivery` row."""

    unit_id: int | None
    organ_id: str
    organ_name: str
    kind: str


def in_subtree(unit: Unit, top: Unit) -> bool:
    """Whether `unit` is `top` or a unit below it (materialised path prefix)."""
    return unit.pk == top.pk or unit.path.startswith(top.path)


def may_draft(actor: User, unit: Unit, drafting_unit: Unit) -> bool:
    """Officials, leaders and clerks of the issuing unit or of the drafting unit under it."""
    return holds_role(actor, drafting_unit, *DRAFTER_ROLES) or holds_role(
        actor, unit, *DRAFTER_ROLES
    )


def require_clerk(actor: User, document: Document) -> None:
    """Only the registry (văn thư) of the issuing unit numbers, issues and recalls."""
    if not holds_role(actor, document.unit_id, Role.CLERK):
        raise PermissionDeniedError(_("Only the registry of the issuing unit may do this."))


def require_drafter(actor: User, document: Document) -> None:
    """The person who drafted the document, or a leader of the drafting unit."""
    drafting = document.drafting_unit_id or document.unit_id
    if actor.pk != document.created_by_id and not holds_role(actor, drafting, Role.LEADER):
        raise PermissionDeniedError(_("Only the drafter may change or submit this draft."))


def _text(value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(
            _("A field is longer than %(limit)d characters: %(start)s...")
            % {"limit": limit, "start": value[:40]}
        )
    return value


def clean_texts(values: dict[str, str]) -> dict[str, str]:
    """Trimmed text fields within their limits; the subject is required."""
    cleaned = {name: _text(values.get(name, ""), limit) for name, limit in TEXT_LIMITS}
    if not cleaned["subject"]:
        raise DomainError(_("The subject is required."))
    return cleaned


def clean_doc_type(doc_type_id: int | None) -> DocumentType:
    """The document type; every outgoing document has one (it decides the notation)."""
    if doc_type_id is None:
        raise DomainError(_("Choose the type of document."))
    doc_type = DocumentType.objects.filter(pk=doc_type_id).first()
    if doc_type is None:
        raise DomainError(_("This type of document does not exist."))
    if not doc_type.valid_on(timezone.localdate()):
        raise DomainError(_("This type of document is no longer in use."))
    return doc_type


def clean_choices(*, priority: int, confidentiality: int, signing_mode: str) -> None:
    """Urgency, confidentiality and signing mode must be among their choices."""
    if priority not in Priority.values:
        raise DomainError(_("Unknown urgency."))
    if confidentiality not in Confidentiality.values:
        raise DomainError(_("Unknown confidentiality level."))
    if signing_mode not in SigningMode.values:
        raise DomainError(_("Unknown signing mode."))


def clean_due_date(due_date: dt.date | None) -> dt.date | None:
    if due_date is not None and due_date < timezone.localdate():
        raise DomainError(_("The deadline cannot be in the past."))
    return due_date


def clean_reply_to(actor: User, reply_to_id: int | None) -> Document | None:
    """The document this one answers: the drafter must be able to read it."""
    if reply_to_id is None:
        return None
    answered = Document.objects.filter(pk=reply_to_id).first()
    if answered is None or not can_read(actor, answered):
        raise NotFound(_("The document this one replies to was not found."))
    return answered


def clean_recipients(
    specs: list[tuple[int | None, str, str, str]], *, issuing_unit: Unit
) -> list[Recipient]:
    """Recipients as (unit_id, organ_id, organ_name, kind): a unit inside VCNET, or an outside
    organisation by its identifier. An identifier that belongs to one of our units is delivered
    inside VCNET. No duplicates, and not the issuing unit itself."""
    cleaned: list[Recipient] = []
    seen: set[tuple[int | None, str]] = set()
    for unit_id, organ_id, organ_name, kind in specs:
        organ_id = (organ_id or "").strip()
        organ_name = (organ_name or "").strip()
        if kind not in Delivery.Kind.values:
            raise DomainError(_("Unknown kind of recipient."))
        if unit_id is None and organ_id:
            unit_id = (
                UnitProfile.objects.filter(organ_id=organ_id)
                .values_list("unit_id", flat=True)
                .first()
            )
        if unit_id is not None:
            unit = Unit.objects.filter(pk=unit_id).first()
            if unit is None:
                raise DomainError(_("A recipient unit does not exist."))
            if unit.pk == issuing_unit.pk:
                raise DomainError(_("A document is not sent to its own issuing unit."))
            organ_name = organ_name or unit.name
            organ_id = ""
        elif not organ_id:
            raise DomainError(_("A recipient outside VCNET needs its organisation identifier."))
        elif len(organ_id) > 13:
            raise DomainError(_("An organisation identifier has at most 13 characters."))
        key = (unit_id, organ_id)
        if key in seen:
            raise DomainError(_("A recipient is listed twice: %(name)s") % {"name": organ_name})
        seen.add(key)
        cleaned.append(
            Recipient(
                unit_id=unit_id,
                organ_id=organ_id,
                organ_name=_text(organ_name or organ_id, 200),
                kind=kind,
            )
        )
    return cleaned


def delegation_find(*, unit: Unit, delegate: User, day: dt.date) -> Delegation | None:
    """A delegation to `delegate` in `unit` valid on `day`, if there is one."""
    return (
        Delegation.objects.filter(
            unit=unit,
            delegate=delegate,
            revoked_at__isnull=True,
            valid_from__lte=day,
            valid_to__gte=day,
        )
        .select_related("grantor")
        .order_by("-valid_from", "-pk")
        .first()
    )


def delegation_check(
    delegation: Delegation, *, unit_id: int, signer: User, day: dt.date | None = None
) -> None:
    """A TUQ. delegation lets `signer` sign for `unit` today: written for that unit and person,
    not revoked, within its dates, and given by someone who is (still) a leader there."""
    day = day or timezone.localdate()
    if delegation.unit_id != unit_id or delegation.delegate_id != signer.pk:
        raise PermissionDeniedError(
            _("This delegation (TUQ.) was not given to the signer in this unit.")
        )
    if delegation.revoked_at is not None:
        raise PermissionDeniedError(_("This delegation (TUQ.) has been revoked."))
    if not (delegation.valid_from <= day <= delegation.valid_to):
        raise PermissionDeniedError(
            _("This delegation (TUQ.) is valid from %(start)s to %(end)s, not today.")
            % {
                "start": delegation.valid_from.strftime("%d/%m/%Y"),
                "end": delegation.valid_to.strftime("%d/%m/%Y"),
            }
        )
    if not Membership.objects.filter(
        user_id=delegation.grantor_id, unit_id=unit_id, role=Role.LEADER
    ).exists():
        raise PermissionDeniedError(
            _("The person who gave this delegation (TUQ.) is no longer a leader of the unit.")
        )


def signer_title(signer: User, unit_id: int) -> str:
    """The signer's position in the issuing unit, as their membership names it."""
    titles = (
        Membership.objects.filter(user=signer, unit_id=unit_id)
        .exclude(title="")
        .order_by("role")
        .values_list("role", "title")
    )
    by_role = dict(titles)
    return str(by_role.get(Role.LEADER) or next(iter(by_role.values()), ""))


def locked(document: Document) -> Document:
    """The document re-read under a row lock, so two people cannot take the same step at once."""
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("unit", "drafting_unit", "doc_type")
        .get(pk=document.pk)
    )


def require_outgoing(document: Document) -> None:
    """The outgoing services act on outgoing documents only."""
    if document.direction != Direction.OUTGOING:
        raise Conflict(_("This is not an outgoing document."))
