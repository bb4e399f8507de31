"""Direction of incoming documents (Decree 30 Art. 23; the three-level routing slip of Appendix
IV.VII): the head of the unit directs to a lead unit or person, coordinating units and people
for information, each with a deadline; the heads of the named units direct further.

Import these from `vcnet.documents.services.incoming` (the contract); they live here to keep
each module short.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import (
    grant_role,
    grant_user,
    holds_role,
    unit_role_holders,
)
from vcnet.documents.models import (
    Assignment,
    AssignmentRole,
    Document,
    EventVerb,
    Status,
    WorkKind,
)
from vcnet.documents.services.checks import (
    is_member,
    locked,
    readable_or_404,
    text_optional,
    too_long,
)
from vcnet.documents.services.common import (
    delivery_sync,
    event_add,
    index_on_commit,
    tell,
    work_add,
    work_done,
)
from vcnet.documents.workflow import transition

if TYPE_CHECKING:
    from vcnet.documents.services.incoming import DirectionLine

__all__ = ["document_direct"]

# The inbox item a person gets for each kind of line.
_PERSON_WORK: dict[str, str] = {
    AssignmentRole.LEAD: WorkKind.HANDLE,
    AssignmentRole.COORDINATE: WorkKind.COORDINATE,
    AssignmentRole.INFO: WorkKind.INFO,
}


# --- Direction ------------------------------------------------------------------------------


def _lines_clean(
    document: Document, lines: list[DirectionLine], parent: Assignment | None
) -> list[tuple[DirectionLine, Unit | None, User | None, dt.date | None]]:
    """Each line with its unit and person looked up and checked; refuses the whole direction
    with a clear message at the first bad line."""
    if not lines:
        raise DomainError(_("Name at least one unit or person."))
    roles = [line.role for line in lines]
    if any(role not in AssignmentRole.values for role in roles):
        raise DomainError(_("Unknown role in the direction."))
    leads = roles.count(AssignmentRole.LEAD)
    if parent is None and leads != 1:
        raise DomainError(_("Name exactly one lead (chủ trì) unit or person."))
    if parent is not None and leads > 1:
        raise DomainError(_("Name at most one lead (chủ trì) person."))
    units = Unit.objects.in_bulk([line.unit_id for line in lines if line.unit_id])
    users = User.objects.in_bulk([line.user_id for line in lines if line.user_id])
    today = timezone.localdate()
    default_deadline = parent.deadline if parent is not None else document.due_date
    seen: set[tuple[int | None, int | None]] = set()
    cleaned = []
    for line in lines:
        unit = units.get(line.unit_id) if line.unit_id else None
        user = users.get(line.user_id) if line.user_id else None
        if (line.unit_id and unit is None) or (line.user_id and user is None):
            raise DomainError(_("A unit or person in the direction does not exist."))
        if unit is None and user is None:
            raise DomainError(_("Each line of the direction names a unit or a person."))
        if user is not None and not user.is_active:
            raise DomainError(_("%(name)s no longer has an account.") % {"name": user.full_name})
        if parent is not None:
            # The head of a unit directs further to people of that unit.
            if user is None or (unit is not None and unit.pk != parent.unit_id):
                raise DomainError(_("Direct further to people of your unit."))
            if not is_member(user, parent.unit_id):  # type: ignore[arg-type]
                raise DomainError(
                    _("%(name)s is not a member of %(unit)s.")
                    % {"name": user.full_name, "unit": parent.unit}
                )
        elif user is not None and not is_member(user, unit or document.unit_id):
            raise DomainError(
                _("%(name)s is not a member of %(unit)s.")
                % {"name": user.full_name, "unit": unit or document.unit}
            )
        elif user is None and unit is not None and unit.pk == document.unit_id:
            raise DomainError(
                _("The document is already in %(unit)s: name a department or a person.")
                % {"unit": unit.name}
            )
        key = (unit.pk if unit and not user else None, user.pk if user else None)
        if key in seen:
            raise DomainError(_("The same unit or person is named twice."))
        seen.add(key)
        deadline = line.deadline or default_deadline
        if line.deadline is not None and line.deadline < today:
            raise DomainError(_("A deadline cannot be before today."))
        if parent is not None and parent.deadline and deadline and deadline > parent.deadline:
            raise DomainError(
                _("A deadline cannot be later than your unit's own deadline (%(date)s).")
                % {"date": parent.deadline.strftime("%d/%m/%Y")}
            )
        if len(line.comment or "") > 2000:
            raise DomainError(_("A line's comment is longer than 2000 characters."))
        cleaned.append((line, unit, user, deadline))
    return cleaned


def _line_open(document: Document, line: Assignment, actor: User) -> None:
    """Put a new line in its holder's inbox, let them read the document, and tell them."""
    if line.user is not None:
        grant_user(document, line.user, "assigned")
        if line.unit is not None:  # a person of another unit: their unit's leaders read too
            grant_role(document, line.unit, Role.LEADER, "directed")
        work_add(
            document,
            _PERSON_WORK[line.role],
            user=line.user,
            assignment=line,
            deadline=line.deadline,
        )
        titles: dict[str, str] = {
            AssignmentRole.LEAD: _("A document for you to handle (lead)"),
            AssignmentRole.COORDINATE: _("A document for you to coordinate on"),
            AssignmentRole.INFO: _("A document for your information"),
        }
        tell(
            [line.user],
            document=document,
            kind="documents.assigned",
            title=titles[line.role],
            actor=actor,
        )
        return
    if line.unit is None:  # the database refuses a line without unit and person
        return
    grant_role(document, line.unit, Role.LEADER, "directed")
    kind = WorkKind.INFO if line.role == AssignmentRole.INFO else WorkKind.DIRECT
    work_add(
        document,
        kind,
        unit_id=line.unit.pk,
        role=Role.LEADER,
        assignment=line,
        deadline=line.deadline,
    )
    tell(
        unit_role_holders(line.unit, Role.LEADER),
        document=document,
        kind="documents.assigned",
        title=(
            _("A document for your unit's information")
            if line.role == AssignmentRole.INFO
            else _("A document for your unit: direct it further")
        ),
        actor=actor,
    )


def _line_label(line: Assignment) -> str:
    if line.user is not None:
        return line.user.full_name
    return line.unit.name if line.unit is not None else ""


def document_direct(
    *,
    actor: User,
    document: Document,
    lines: list[DirectionLine],
    comment: str = "",
    parent: Assignment | None = None,
    request: HttpRequest | None = None,
) -> list[Assignment]:
    """A leader's direction (bút phê). Without `parent`: the head of the holding unit directs
    (needs exactly one lead line). With `parent` (a unit line): that unit's leader directs
    further to people of the unit."""
    readable_or_404(actor, document)
    if parent is None:
        if not holds_role(actor, document.unit_id, Role.LEADER):
            raise PermissionDeniedError(_("Only a leader of the unit may direct this document."))
    else:
        if parent.document_id != document.pk:
            raise DomainError(_("That line belongs to another document."))
        if parent.unit_id is None or parent.user_id is not None:
            raise DomainError(_("Only a unit's line can be directed further."))
        if not holds_role(actor, parent.unit_id, Role.LEADER):
            raise PermissionDeniedError(
                _("Only a leader of %(unit)s may direct this further.") % {"unit": parent.unit}
            )
    comment = text_optional(comment, limit=5000, too_long=too_long(_("The direction")))
    with locked(document):
        if parent is not None:
            parent.refresh_from_db()
            if parent.state != Assignment.State.OPEN or document.status != Status.IN_PROGRESS:
                raise Conflict(_("This part is no longer open."))
            if parent.role == AssignmentRole.INFO:
                raise DomainError(_("A line for information is not directed further."))
        targets = _lines_clean(document, lines, parent)
        if parent is None:
            transition(document, Status.IN_PROGRESS)
        now = timezone.now()
        created = []
        for line, unit, user, deadline in targets:
            assignment = Assignment.objects.create(
                document=document,
                parent=parent,
                role=line.role,
                unit=unit,
                user=user,
                deadline=deadline,
                comment=(line.comment or "").strip() or comment,
                assigned_by=actor,
                created_at=now,
            )
            _line_open(document, assignment, actor)
            created.append(assignment)
        summary = [
            {
                "role": a.role,
                "to": _line_label(a),
                "deadline": a.deadline.isoformat() if a.deadline else None,
            }
            for a in created
        ]
        if parent is None:
            work_done(document, WorkKind.DIRECT, assignment__isnull=True)
            order: dict[str, int] = {
                AssignmentRole.LEAD: 0,
                AssignmentRole.COORDINATE: 1,
                AssignmentRole.INFO: 2,
            }
            places = "; ".join(_line_label(a) for a in sorted(created, key=lambda a: order[a.role]))
            document.to_places = places[:1000]
            document.directed_at = now
            document.updated_at = now
            document.save(update_fields=["status", "to_places", "directed_at", "updated_at"])
            event_add(
                document, EventVerb.DIRECTED, actor=actor, note=comment, data={"lines": summary}
            )
            audit_write(
                actor=actor,
                action="document.direct",
                obj=document,
                data={"lines": summary},
                request=request,
            )
            delivery_sync(document, "04", note=comment, actor=actor)
        else:
            work_done(document, WorkKind.DIRECT, assignment=parent)
            event_add(
                document,
                EventVerb.ASSIGNED,
                actor=actor,
                note=comment,
                data={"lines": summary, "parent": parent.pk},
            )
            audit_write(
                actor=actor,
                action="document.direct_further",
                obj=document,
                data={"lines": summary, "parent": parent.pk},
                request=request,
            )
        index_on_commit(document)
    return created
