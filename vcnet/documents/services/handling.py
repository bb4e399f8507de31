"""Handling of incoming documents (Decree 30 Art. 24): handlers comment, add result files, ask
for more time and finish their part; when the lead part is done the document is completed.

Import these from `vcnet.documents.services.incoming` (the contract); they live here to keep
each module short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import can_read, holder_q, holds_role
from vcnet.documents.models import (
    Assignment,
    AssignmentRole,
    Document,
    DocumentComment,
    DocumentEvent,
    DocumentFile,
    EventVerb,
    ExtensionRequest,
    FileKind,
    Status,
    WorkItem,
    WorkKind,
)
from vcnet.documents.services.checks import (
    locked,
    pdf_name_matches,
    readable_or_404,
    text_optional,
    text_required,
    too_long,
)
from vcnet.documents.services.common import (
    delivery_sync,
    event_add,
    file_store,
    files_guard,
    index_on_commit,
    tell,
    work_add,
    work_done,
)
from vcnet.documents.workflow import FINAL, transition

if TYPE_CHECKING:
    from vcnet.documents.services.incoming import Upload

__all__ = [
    "assignment_complete",
    "document_comment",
    "document_complete",
    "extension_decide",
    "extension_request",
    "info_seen",
    "result_file_add",
]

# Items closed when a line (or the whole document) is finished; INFO items stay to be read.
_HANDLING_KINDS = (WorkKind.HANDLE, WorkKind.COORDINATE, WorkKind.DIRECT, WorkKind.EXTENSION)


def _handles(actor: User, line: Assignment) -> bool:
    """The line's person, or, for a unit's line that was not directed further, its leaders."""
    if line.user_id is not None:
        return line.user_id == actor.pk
    if line.unit_id is None or line.children.exists():
        return False
    return holds_role(actor, line.unit_id, Role.LEADER)


def _handler_lines(actor: User, document: Document) -> list[Assignment]:
    lines = document.assignments.filter(state=Assignment.State.OPEN).exclude(
        role=AssignmentRole.INFO
    )
    return [line for line in lines if _handles(actor, line)]


def _work_started(document: Document, actor: User, lines: list[Assignment]) -> None:
    """The first piece of a handler's work tells the sender that handling has begun (05)."""
    if not lines or document.status != Status.IN_PROGRESS:
        return
    if DocumentEvent.objects.filter(document=document, data__work=True).exists():
        return
    delivery_sync(document, "05", actor=actor)


def _people_to_tell(lines: Iterable[Assignment], actor: User) -> set[int]:
    return {line.assigned_by_id for line in lines if line.assigned_by_id} - {actor.pk}


def document_comment(
    *, actor: User, document: Document, body: str, request: HttpRequest | None = None
) -> DocumentComment:
    """A comment by someone who may read the document."""
    readable_or_404(actor, document)
    body = text_required(
        body,
        limit=5000,
        empty=_("Write a comment first."),
        too_long=too_long(_("The comment")),
    )
    with locked(document):
        if document.status in FINAL:
            raise Conflict(_("This document is closed for comments."))
        comment = DocumentComment.objects.create(document=document, author=actor, body=body)
        lines = _handler_lines(actor, document)
        _work_started(document, actor, lines)
        event_add(
            document,
            EventVerb.COMMENTED,
            actor=actor,
            note=body[:1000],
            data={"comment": comment.pk, "work": bool(lines)},
        )
        audit_write(
            actor=actor,
            action="document.comment",
            obj=document,
            data={"comment": comment.pk},
            request=request,
        )
        open_lines = document.assignments.filter(state=Assignment.State.OPEN).exclude(
            role=AssignmentRole.INFO
        )
        people = {line.user_id for line in open_lines if line.user_id}
        people |= _people_to_tell(open_lines, actor)
        tell(
            people - {actor.pk},
            document=document,
            kind="documents.comment",
            title=_("%(name)s commented") % {"name": actor.full_name},
            actor=actor,
        )
    return comment


def result_file_add(
    *, actor: User, document: Document, upload: Upload, note: str = ""
) -> DocumentFile:
    """A handler attaches a result file."""
    readable_or_404(actor, document)
    note = text_optional(note, limit=500, too_long=too_long(_("The note")))
    pdf_name_matches(upload.stream, upload.name)
    with files_guard(), locked(document):
        if document.status != Status.IN_PROGRESS:
            raise Conflict(_("Result files are added while the document is being handled."))
        lines = _handler_lines(actor, document)
        if not lines:
            raise PermissionDeniedError(_("Only a handler of this document may add results."))
        stored = file_store(
            document,
            upload=upload.stream,
            name=upload.name,
            kind=FileKind.RESULT,
            actor=actor,
            note=note,
        )
        _work_started(document, actor, lines)
        event_add(
            document,
            EventVerb.FILE_ADDED,
            actor=actor,
            note=note,
            data={"file": stored.pk, "name": stored.name, "work": True},
        )
        audit_write(
            actor=actor,
            action="document.result_file",
            obj=document,
            data={"file": stored.pk, "sha256": stored.sha256},
        )
        tell(
            _people_to_tell(lines, actor),
            document=document,
            kind="documents.result",
            title=_("%(name)s added a result file") % {"name": actor.full_name},
            actor=actor,
        )
    return stored


def extension_request(
    *, actor: User, assignment: Assignment, new_deadline: dt.date, reason: str
) -> ExtensionRequest:
    """A handler asks for more time; the person who assigned decides."""
    document = assignment.document
    readable_or_404(actor, document)
    if assignment.user_id != actor.pk:
        raise PermissionDeniedError(_("Only the person assigned may ask for more time."))
    reason = text_required(
        reason,
        limit=500,
        empty=_("Say why you need more time."),
        too_long=too_long(_("The reason")),
    )
    with locked(document):
        assignment.refresh_from_db()
        if assignment.state != Assignment.State.OPEN or document.status != Status.IN_PROGRESS:
            raise Conflict(_("This part is no longer open."))
        if assignment.assigned_by is None:
            raise DomainError(_("Nobody can decide on more time for this part."))
        current = assignment.deadline
        if new_deadline < timezone.localdate() or (current and new_deadline <= current):
            raise DomainError(_("The new deadline must be later than the current one."))
        if assignment.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
            raise Conflict(_("A request for more time is already waiting for a decision."))
        extension = ExtensionRequest.objects.create(
            assignment=assignment, requested_by=actor, new_deadline=new_deadline, reason=reason
        )
        work_add(
            document,
            WorkKind.EXTENSION,
            user=assignment.assigned_by,
            assignment=assignment,
            extension=extension,
            deadline=current,
        )
        _work_started(document, actor, [assignment])
        event_add(
            document,
            EventVerb.EXTENSION_REQUESTED,
            actor=actor,
            note=reason,
            data={"extension": extension.pk, "deadline": new_deadline.isoformat(), "work": True},
        )
        audit_write(
            actor=actor,
            action="document.extension_request",
            obj=document,
            data={"extension": extension.pk, "deadline": new_deadline},
        )
        tell(
            [assignment.assigned_by],
            document=document,
            kind="documents.extension",
            title=_("%(name)s asks for more time") % {"name": actor.full_name},
            actor=actor,
        )
    return extension


def extension_decide(
    *, actor: User, extension: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The person who set the deadline approves (the line's deadline moves) or refuses."""
    assignment = extension.assignment
    document = assignment.document
    readable_or_404(actor, document)
    if assignment.assigned_by_id != actor.pk:
        raise PermissionDeniedError(_("Only the person who set the deadline may decide."))
    note = text_optional(note, limit=500, too_long=too_long(_("The note")))
    with locked(document):
        extension.refresh_from_db()
        if extension.state != ExtensionRequest.State.PENDING:
            raise Conflict(_("This request has already been decided."))
        now = timezone.now()
        extension.state = (
            ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
        )
        extension.decided_by = actor
        extension.decided_at = now
        extension.decision_note = note
        extension.save()
        if approve:
            assignment.deadline = extension.new_deadline
            assignment.save(update_fields=["deadline"])
            WorkItem.objects.filter(assignment=assignment, done_at__isnull=True).exclude(
                kind=WorkKind.EXTENSION
            ).update(deadline=extension.new_deadline)
        work_done(document, WorkKind.EXTENSION, extension=extension)
        event_add(
            document,
            EventVerb.EXTENSION_DECIDED,
            actor=actor,
            note=note,
            data={
                "extension": extension.pk,
                "approved": approve,
                "deadline": extension.new_deadline.isoformat(),
            },
        )
        audit_write(
            actor=actor,
            action="document.extension_decide",
            obj=document,
            data={"extension": extension.pk, "approved": approve},
        )
        tell(
            [extension.requested_by_id],
            document=document,
            kind="documents.extension",
            title=(
                _("More time granted until %(date)s")
                % {"date": extension.new_deadline.strftime("%d/%m/%Y")}
                if approve
                else _("More time refused")
            ),
            actor=actor,
        )
    return extension


# --- Completion -----------------------------------------------------------------------------


def _line_finish(line: Assignment, result: str, now: dt.datetime) -> None:
    line.state = Assignment.State.DONE
    line.result = result
    line.done_at = now
    line.save(update_fields=["state", "result", "done_at"])
    work_done(line.document, *_HANDLING_KINDS, assignment=line)


def _parent_ready(parent: Assignment) -> bool:
    """A unit's line is done when its lead person is (or, without one, all its people are)."""
    children = parent.children.exclude(role=AssignmentRole.INFO)
    leads = children.filter(role=AssignmentRole.LEAD)
    pending = leads if leads.exists() else children
    return not pending.filter(state=Assignment.State.OPEN).exists()


def _document_close(
    document: Document, actor: User, note: str, request: HttpRequest | None
) -> None:
    """Inside the caller's transaction: status DONE; lines still open are closed."""
    transition(document, Status.DONE)
    now = timezone.now()
    document.completed_at = now
    document.updated_at = now
    document.save(update_fields=["status", "completed_at", "updated_at"])
    lines = list(document.assignments.all())
    document.assignments.filter(state=Assignment.State.OPEN).exclude(
        role=AssignmentRole.INFO
    ).update(state=Assignment.State.CANCELLED, done_at=now)
    work_done(document, *_HANDLING_KINDS)
    event_add(document, EventVerb.COMPLETED, actor=actor, note=note)
    audit_write(
        actor=actor, action="document.complete", obj=document, data={"note": note}, request=request
    )
    delivery_sync(document, "06", note=note, actor=actor)
    people = {line.user_id for line in lines if line.user_id} | _people_to_tell(lines, actor)
    tell(
        people - {actor.pk},
        document=document,
        kind="documents.completed",
        title=_("Document completed"),
        actor=actor,
    )
    index_on_commit(document)


def assignment_complete(
    *, actor: User, assignment: Assignment, result: str, request: HttpRequest | None = None
) -> Assignment:
    """The handler (or a unit's leader for a unit line) finishes their part. When the lead line
    is done the document is completed (status 06)."""
    document = assignment.document
    readable_or_404(actor, document)
    if not _handles(actor, assignment):
        if assignment.user_id is None and assignment.children.exists():
            raise PermissionDeniedError(
                _("This part was directed further: it is finished with its lead person's part.")
            )
        raise PermissionDeniedError(_("Only the person assigned may finish this part."))
    result = text_optional(result, limit=5000, too_long=too_long(_("The result")))
    if assignment.role == AssignmentRole.LEAD and not result:
        raise DomainError(_("Describe the result of the handling."))
    with locked(document):
        assignment.refresh_from_db()
        if assignment.state != Assignment.State.OPEN:
            raise Conflict(_("This part is already finished."))
        if document.status != Status.IN_PROGRESS:
            raise Conflict(_("This document is not being handled."))
        now = timezone.now()
        _line_finish(assignment, result, now)
        event_add(
            document,
            EventVerb.HANDLED,
            actor=actor,
            note=result,
            data={"assignment": assignment.pk, "role": assignment.role, "work": True},
        )
        audit_write(
            actor=actor,
            action="document.assignment_complete",
            obj=document,
            data={"assignment": assignment.pk, "role": assignment.role},
            request=request,
        )
        tell(
            _people_to_tell([assignment], actor),
            document=document,
            kind="documents.handled",
            title=_("%(name)s finished their part") % {"name": actor.full_name},
            actor=actor,
        )
        line = assignment
        while line.parent is not None and line.parent.state == Assignment.State.OPEN:
            if line.role == AssignmentRole.INFO or not _parent_ready(line.parent):
                break
            _line_finish(line.parent, result, now)
            line = line.parent
        if line.parent is None and line.role == AssignmentRole.LEAD and line.state == "done":
            _document_close(document, actor, result, request)
    return assignment


def _closers(document: Document) -> set[int]:
    """Who may complete the document: the leader who directed and the lead handlers."""
    lines = list(document.assignments.all())
    people = {
        line.assigned_by_id for line in lines if line.parent_id is None and line.assigned_by_id
    }
    by_id = {line.pk: line for line in lines}

    def lead_chain(line: Assignment | None) -> bool:
        while line is not None:
            if line.role != AssignmentRole.LEAD:
                return False
            line = by_id.get(line.parent_id) if line.parent_id else None
        return True

    people |= {line.user_id for line in lines if line.user_id and lead_chain(line)}
    return people


def document_complete(
    *, actor: User, document: Document, note: str = "", request: HttpRequest | None = None
) -> Document:
    """The lead handler or the directing leader closes the document."""
    readable_or_404(actor, document)
    note = text_optional(note, limit=5000, too_long=too_long(_("The note")))
    with locked(document):
        if actor.pk not in _closers(document):
            raise PermissionDeniedError(
                _("Only the lead handler or the leader who directed may complete the document.")
            )
        now = timezone.now()
        for line in document.assignments.filter(
            state=Assignment.State.OPEN, role=AssignmentRole.LEAD
        ):
            if line.user_id == actor.pk or line.parent_id is None:
                line.state = Assignment.State.DONE
                line.result = note
                line.done_at = now
                line.save(update_fields=["state", "result", "done_at"])
        _document_close(document, actor, note, request)
    return document


def info_seen(*, actor: User, document: Document) -> int:
    """Close `actor`'s for-information items on opening the document."""
    if not can_read(actor, document):
        return 0
    now = timezone.now()
    with transaction.atomic():
        mine = WorkItem.objects.filter(holder_q(actor), document=document, done_at__isnull=True)
        mine.filter(seen_at__isnull=True).update(seen_at=now)
        info = mine.filter(kind=WorkKind.INFO)
        lines = [pk for pk in info.values_list("assignment_id", flat=True) if pk]
        Assignment.objects.filter(pk__in=lines, state=Assignment.State.OPEN).update(
            state=Assignment.State.DONE, done_at=now
        )
        return info.update(done_at=now)
