"""Case files (hồ sơ công việc, Decree 30 Art. 28-29; Appendix VI III.4): a unit's file groups
the documents of one piece of work; a document can sit in several files without being copied.

Import these from `vcnet.documents.services.incoming` (the contract) or from here.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import holds_role
from vcnet.documents.models import CaseFile, CaseFileItem, Document, EventVerb
from vcnet.documents.services.checks import (
    is_member,
    readable_or_404,
    text_optional,
    text_required,
    too_long,
)
from vcnet.documents.services.common import event_add

__all__ = ["casefile_add", "casefile_close", "casefile_create"]

# Optional fields of a case file (Appendix VI III) and their lengths.
_EXTRA_LIMITS = {"retention": 30, "rights": 30, "description": 500}
# DocOrdinal is a three-digit number (Appendix VI I.2).
MAX_ORDINAL = 999


def casefile_create(
    *, actor: User, unit: Unit, title: str, notation: str, year: int | None = None, **extra: Any
) -> CaseFile:
    """Open a case file (hồ sơ) of a unit the actor belongs to."""
    if not is_member(actor, unit):
        raise PermissionDeniedError(_("You may only open case files of your own unit."))
    title = text_required(
        title, limit=500, empty=_("The title is required."), too_long=too_long(_("The title"))
    )
    notation = text_required(
        notation,
        limit=20,
        empty=_("The file notation is required."),
        too_long=too_long(_("The file notation")),
    )
    this_year = timezone.localdate().year
    year = this_year if year is None else year
    if not 1945 <= year <= this_year + 1:
        raise DomainError(_("The year of the case file is not valid."))
    unknown = sorted(set(extra) - set(_EXTRA_LIMITS))
    if unknown:
        raise DomainError(_("Unknown case-file field: %(name)s") % {"name": ", ".join(unknown)})
    labels = {
        "retention": _("The retention period"),
        "rights": _("The access regime"),
        "description": _("The description"),
    }
    values = {
        name: text_optional(
            str(extra.get(name) or ""), limit=limit, too_long=too_long(labels[name])
        )
        for name, limit in _EXTRA_LIMITS.items()
    }

    def taken(existing: str) -> Conflict:
        return Conflict(
            _("%(unit)s already has a case file %(notation)s for %(year)d.")
            % {"unit": unit.name, "notation": existing, "year": year}
        )

    existing = CaseFile.objects.filter(unit=unit, year=year, notation__iexact=notation).first()
    if existing is not None:
        raise taken(existing.notation)
    try:
        with transaction.atomic():
            case_file = CaseFile.objects.create(
                unit=unit, year=year, notation=notation, title=title, owner=actor, **values
            )
            audit_write(
                actor=actor,
                action="casefile.create",
                obj=case_file,
                data={"unit": unit.pk, "year": year, "notation": notation},
            )
    except IntegrityError:  # another clerk took the same notation a moment ago
        raise taken(notation) from None
    return case_file


def casefile_add(*, actor: User, case_file: CaseFile, document: Document) -> None:
    """File a readable document into an open case file (no copy; idempotent)."""
    if not is_member(actor, case_file.unit_id):
        raise PermissionDeniedError(_("Only members of the unit may file into this case file."))
    readable_or_404(actor, document)
    with transaction.atomic():
        locked = CaseFile.objects.select_for_update().get(pk=case_file.pk)
        if locked.state != CaseFile.State.OPEN:
            raise Conflict(_("This case file is closed."))
        if CaseFileItem.objects.filter(case_file=locked, document=document).exists():
            return
        last = CaseFileItem.objects.filter(case_file=locked).aggregate(m=Max("ordinal"))["m"]
        ordinal = (last or 0) + 1
        if ordinal > MAX_ORDINAL:
            raise DomainError(_("This case file is full; open a new one."))
        CaseFileItem.objects.create(
            case_file=locked, document=document, ordinal=ordinal, added_by=actor
        )
        event_add(
            document,
            EventVerb.FILED,
            actor=actor,
            data={"case_file": locked.pk, "notation": locked.notation, "ordinal": ordinal},
            note=locked.title,
        )
        audit_write(
            actor=actor,
            action="casefile.add",
            obj=locked,
            data={"document": document.pk, "ordinal": ordinal},
        )


def casefile_close(*, actor: User, case_file: CaseFile) -> CaseFile:
    """Close a case file when its work is finished (its keeper or a leader of the unit)."""
    if actor.pk != case_file.owner_id and not holds_role(actor, case_file.unit_id, Role.LEADER):
        raise PermissionDeniedError(
            _("Only the keeper of the case file or a leader of the unit may close it.")
        )
    with transaction.atomic():
        CaseFile.objects.select_for_update().filter(pk=case_file.pk).values_list("pk").first()
        case_file.refresh_from_db()
        if case_file.state != CaseFile.State.OPEN:
            raise Conflict(_("This case file is already closed."))
        case_file.state = CaseFile.State.CLOSED
        case_file.closed_at = timezone.now()
        case_file.save(update_fields=["state", "closed_at"])
        audit_write(actor=actor, action="casefile.close", obj=case_file)
    return case_file
