"""Incoming documents (Decree 30 Art. 20-24): receive → register → direct → handle → complete.

CONTRACT (bodies owned by the incoming helper; signatures are relied on by views, API, exchange).
Direction and handling (`routing.py`, `handling.py`) and case files (`casefiles.py`) are part of
this contract too; their bodies live in those modules to keep each short. Import from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import (
    ROLES_BY_CONFIDENTIALITY,
    grant_holding_unit,
    grant_user,
    holds_role,
    unit_role_holders,
)
from vcnet.documents.models import (
    Confidentiality,
    Delivery,
    Direction,
    Document,
    DocumentAccess,
    DocumentType,
    EventVerb,
    FileKind,
    Priority,
    Register,
    Source,
    Status,
    WorkKind,
)
from vcnet.documents.numbering import number_take, register_for
from vcnet.documents.services.casefiles import (
    casefile_add,
    casefile_close,
    casefile_create,
)
from vcnet.documents.services.checks import locked, pdf_name_matches, readable_or_404
from vcnet.documents.services.common import (
    delivery_sync,
    event_add,
    file_store,
    files_guard,
    index_on_commit,
    tell,
    work_add,
    work_done,
    work_reprioritise,
)
from vcnet.documents.services.handling import (
    assignment_complete,
    document_comment,
    document_complete,
    extension_decide,
    extension_request,
    info_seen,
    result_file_add,
)
from vcnet.documents.services.routing import document_direct
from vcnet.documents.workflow import transition


@dataclass
class Upload:
    """A file handed to a service: a readable binary stream and the name the user gave it."""

    stream: IO[bytes]
    name: str


@dataclass
class IncomingFields:
    """What the registry types in (Appendix VI, incoming): all optional except the subject."""

    subject: str
    doc_type_id: int | None = None
    code_number: str = ""
    code_notation: str = ""
    issued_date: dt.date | None = None
    organ_name: str = ""
    organ_id: str = ""
    place: str = ""
    signer_position: str = ""
    signer_name: str = ""
    priority: int = 0
    confidentiality: int = 0
    due_date: dt.date | None = None
    due_at: dt.datetime | None = None
    page_amount: int | None = None
    language: str = "vi"
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class DirectionLine:
    """One line of a direction: lead / coordinating / for information, to a unit or a person."""

    role: str  # AssignmentRole
    unit_id: int | None = None
    user_id: int | None = None
    deadline: dt.date | None = None
    comment: str = ""


def _fields_clean(fields: IncomingFields, *, old: Document | None = None) -> dict[str, Any]:
    """The typed-in fields as model values, each checked with a message that names it.

    A due date in the past is refused only when it is new (an old document keeps its own).
    """
    too_long = _("%(field)s is longer than %(limit)d characters.")

    def limited(value: str, label: str, limit: int) -> str:
        value = (value or "").strip()
        if len(value) > limit:
            raise DomainError(too_long % {"field": label, "limit": limit})
        return value

    subject = (fields.subject or "").strip()
    if not subject:
        raise DomainError(_("The subject (trích yếu) is required."))
    doc_type = None
    if fields.doc_type_id is not None:
        doc_type = DocumentType.objects.filter(pk=fields.doc_type_id).first()
        if doc_type is None:
            raise DomainError(_("Unknown document type."))
    if fields.priority not in Priority.values:
        raise DomainError(_("Unknown urgency."))
    if fields.confidentiality not in Confidentiality.values:
        raise DomainError(_("Unknown confidentiality level."))
    today = timezone.localdate()
    if (
        fields.due_date is not None
        and fields.due_date < today
        and (old is None or old.due_date != fields.due_date)
    ):
        raise DomainError(_("The due date cannot be before today."))
    if fields.due_at is not None:
        if timezone.is_naive(fields.due_at):
            raise DomainError(_("The due time needs a time zone."))
        if fields.due_at < timezone.now() and (old is None or old.due_at != fields.due_at):
            raise DomainError(_("The due time cannot be in the past."))
    if fields.issued_date is not None and fields.issued_date > today:
        raise DomainError(_("The issue date cannot be in the future."))
    if fields.page_amount is not None and not 0 < fields.page_amount < 32768:
        raise DomainError(_("The number of pages is not valid."))
    if not isinstance(fields.extra, dict):
        raise DomainError(_("The extra fields are not valid."))
    return {
        "subject": limited(subject, _("The subject"), 500),
        "doc_type": doc_type,
        "code_number": limited(fields.code_number, _("The number"), 11),
        "code_notation": limited(fields.code_notation, _("The notation"), 30),
        "issued_date": fields.issued_date,
        "organ_name": limited(fields.organ_name, _("The issuing organisation"), 200),
        "organ_id": limited(fields.organ_id, _("The issuer identifier"), 13),
        "place": limited(fields.place, _("The place"), 50),
        "signer_position": limited(fields.signer_position, _("The signer's position"), 100),
        "signer_name": limited(fields.signer_name, _("The signer's name"), 50),
        "priority": int(fields.priority),
        "confidentiality": int(fields.confidentiality),
        "due_date": fields.due_date,
        "due_at": fields.due_at,
        "page_amount": fields.page_amount,
        "language": limited(fields.language, _("The language"), 30) or "vi",
        "description": limited(fields.description, _("The notes"), 500),
    }


def _clerk_check(actor: User | None, unit: Unit | int) -> None:
    if actor is None or not holds_role(actor, unit, Role.CLERK):
        raise PermissionDeniedError(_("Only the unit's registry (clerks) may do this."))


def document_receive(
    *,
    actor: User | None,
    unit: Unit,
    fields: IncomingFields,
    main: Upload,
    attachments: list[Upload] | None = None,
    request: HttpRequest | None = None,
    source: str = Source.UPLOAD,
    arrival_date: dt.datetime | None = None,
) -> Document:
    """The registry receives a document (paper scan or electronic file): status RECEIVED, a
    REGISTER work item for the unit's clerks. Only clerks of `unit`.

    `source=Source.EXCHANGE` (a package from an exchange hub) may come without an actor (the
    hub poller). Files are checked by content; a refused file leaves neither a row nor a file.
    """
    if not (actor is None and source == Source.EXCHANGE):
        _clerk_check(actor, unit)
    if source not in Source.values:
        raise DomainError(_("Unknown source."))
    values = _fields_clean(fields)
    uploads = [main, *(attachments or [])]
    for upload in uploads:
        pdf_name_matches(upload.stream, upload.name)
    now = timezone.now()
    with files_guard(), transaction.atomic():
        document = Document.objects.create(
            direction=Direction.INCOMING,
            unit=unit,
            status=Status.RECEIVED,
            source=source,
            arrival_date=arrival_date or now,
            created_by=actor,
            created_at=now,
            updated_at=now,
            **values,
        )
        file_store(document, upload=main.stream, name=main.name, kind=FileKind.MAIN, actor=actor)
        for attachment in attachments or []:
            file_store(
                document,
                upload=attachment.stream,
                name=attachment.name,
                kind=FileKind.ATTACHMENT,
                actor=actor,
            )
        if fields.page_amount:
            document.page_amount = fields.page_amount
        document.save()
        grant_holding_unit(document)
        grant_user(document, actor, "received")
        work_add(document, WorkKind.REGISTER, unit_id=unit.pk, role=Role.CLERK)
        event_add(
            document,
            EventVerb.RECEIVED,
            actor=actor,
            data={"source": source, "files": len(uploads), "extra": fields.extra},
        )
        audit_write(
            actor=actor,
            action="document.receive",
            obj=document,
            data={"unit": unit.pk, "source": source, "hash": document.content_hash},
            request=request,
        )
        tell(
            unit_role_holders(unit, Role.CLERK),
            document=document,
            kind="documents.to_register",
            title=_("A document arrived for registration"),
            actor=actor,
        )
        index_on_commit(document)
    return document


def document_receive_internal(*, delivery: Delivery) -> Document:
    """An outgoing document issued inside VCNET arrives in the recipient unit's register (same
    files, fields copied, `origin` set), at once; the sender sees status 01."""
    from vcnet.documents.services.delivery import deliver_internal  # the owner of this step

    return deliver_internal(delivery)


def duplicates_of(document: Document) -> list[Document]:
    """Other documents of the same unit with the same issuer + number + notation, or the same
    main-file hash (Appendix VI III.1: warn the registry)."""
    same = Q()
    if document.organ_name and document.code_number and document.code_notation:
        same |= Q(
            organ_name__iexact=document.organ_name,
            code_number__iexact=document.code_number,
            code_notation__iexact=document.code_notation,
        )
    if document.content_hash:
        same |= Q(content_hash=document.content_hash)
    if not same:
        return []
    return list(
        Document.objects.filter(same, unit_id=document.unit_id, direction=Direction.INCOMING)
        .exclude(pk=document.pk)
        .select_related("doc_type", "register")
        .order_by("-created_at", "-id")[:20]
    )


# Fields whose change after registering would put the document in the wrong register.
_BEFORE_DIRECTION = {Status.RECEIVED, Status.REGISTERED, Status.DIRECTING}


def document_update_fields(
    *, actor: User, document: Document, fields: IncomingFields, request: HttpRequest | None = None
) -> Document:
    """The registry corrects the fields before (or right after) registering."""
    readable_or_404(actor, document)
    _clerk_check(actor, document.unit_id)
    with locked(document):
        if document.frozen or document.status not in _BEFORE_DIRECTION:
            raise Conflict(_("The fields can only be corrected until the document is directed."))
        values = _fields_clean(fields, old=document)
        if values["page_amount"] is None:  # the count read from the PDF stays
            del values["page_amount"]
        if document.register_id is not None and (values["confidentiality"] > 0) != (
            document.confidentiality > 0
        ):
            raise Conflict(
                _(
                    "This document is already in a register; it cannot move between the "
                    "confidential and the general register."
                )
            )
        changed = {
            name: [str(getattr(document, name) or ""), str(value or "")]
            for name, value in values.items()
            if getattr(document, name) != value
        }
        if not changed:
            return document
        old_confidentiality = document.confidentiality
        for name, value in values.items():
            setattr(document, name, value)
        document.updated_at = timezone.now()
        document.save()
        if document.confidentiality != old_confidentiality:
            _holding_grants_refresh(document)
        work_reprioritise(document)
        event_add(document, EventVerb.UPDATED, actor=actor, data={"changed": sorted(changed)})
        audit_write(
            actor=actor,
            action="document.update",
            obj=document,
            data={"changed": changed},
            request=request,
        )
        index_on_commit(document)
    return document


def _holding_grants_refresh(document: Document) -> None:
    """After a change of confidentiality, the holding unit's roles read only what it allows."""
    allowed = set(ROLES_BY_CONFIDENTIALITY[document.confidentiality])
    DocumentAccess.objects.filter(
        document=document, unit_id=document.unit_id, reason="unit"
    ).exclude(role__in=allowed).delete()
    grant_holding_unit(document)


def document_register(
    *,
    actor: User,
    document: Document,
    submit_to: User | None = None,
    request: HttpRequest | None = None,
) -> Document:
    """Give the next arrival number in the unit's incoming register; with `submit_to`, submit to
    that leader for direction at once."""
    readable_or_404(actor, document)
    _clerk_check(actor, document.unit_id)
    if submit_to is not None:
        _leader_check(submit_to, document)
    with locked(document):
        transition(document, Status.REGISTERED)
        if not Register.objects.filter(
            unit_id=document.unit_id, direction=Direction.INCOMING, active=True
        ).exists():
            # The unit's first registration creates its registers: one clerk at a time, so
            # that two clerks starting together do not each create a register of their own.
            Unit.objects.select_for_update().filter(pk=document.unit_id).values_list("pk").first()
        register = register_for(
            unit=document.unit,
            direction=Direction.INCOMING,
            doc_type=document.doc_type,
            confidential=document.confidentiality > 0,
        )
        now = timezone.now()
        number, period = number_take(register, timezone.localdate())
        document.register = register
        document.arrival_number = number
        document.registered_year = period
        document.registered_at = now
        document.arrival_date = document.arrival_date or now
        document.updated_at = now
        document.save()
        work_done(document, WorkKind.REGISTER)
        grant_holding_unit(document)
        grant_user(document, actor, "registered")
        event_add(
            document,
            EventVerb.REGISTERED,
            actor=actor,
            data={"number": number, "period": period, "register": register.pk},
        )
        audit_write(
            actor=actor,
            action="document.register",
            obj=document,
            data={"register": register.pk, "number": number, "period": period},
            request=request,
        )
        delivery_sync(document, "03", actor=actor)
        if submit_to is not None:
            _submit(actor, document, submit_to, request)
        elif document.urgent:
            # Urgent documents go to the leaders at once, without waiting to be submitted.
            tell(
                unit_role_holders(document.unit, Role.LEADER),
                document=document,
                kind="documents.urgent",
                title=_("Urgent document registered: %(number)s") % {"number": number},
                actor=actor,
            )
        index_on_commit(document)
    return document


def document_return(
    *, actor: User, document: Document, reason: str, request: HttpRequest | None = None
) -> Document:
    """Return an invalid or misaddressed document to its sender, with the reason (status 02)."""
    readable_or_404(actor, document)
    _clerk_check(actor, document.unit_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the document is returned."))
    if len(reason) > 500:
        raise DomainError(_("The reason is longer than 500 characters."))
    with locked(document):
        transition(document, Status.RETURNED)
        document.updated_at = timezone.now()
        document.save()
        work_done(document)
        event_add(document, EventVerb.RETURNED, actor=actor, note=reason)
        audit_write(
            actor=actor,
            action="document.return",
            obj=document,
            data={"reason": reason},
            request=request,
        )
        delivery_sync(document, "02", note=reason, actor=actor)
        index_on_commit(document)
    return document


def _leader_check(leader: User, document: Document) -> None:
    if not leader.is_active or not holds_role(leader, document.unit_id, Role.LEADER):
        raise DomainError(
            _("%(name)s is not a leader of %(unit)s.")
            % {"name": leader.full_name, "unit": document.unit.name}
        )


def _submit(actor: User, document: Document, leader: User, request: HttpRequest | None) -> None:
    """Inside the caller's transaction (document locked): hand the document to `leader`."""
    if document.status != Status.DIRECTING:  # a second submission changes the leader only
        transition(document, Status.DIRECTING)
    document.updated_at = timezone.now()
    document.save(update_fields=["status", "updated_at"])
    work_done(document, WorkKind.DIRECT, assignment__isnull=True)
    grant_user(document, leader, "direct")
    work_add(document, WorkKind.DIRECT, user=leader)
    event_add(
        document,
        EventVerb.SUBMITTED,
        actor=actor,
        data={"leader": leader.pk, "leader_name": leader.full_name},
    )
    audit_write(
        actor=actor,
        action="document.submit",
        obj=document,
        data={"leader": leader.pk},
        request=request,
    )
    tell(
        [leader],
        document=document,
        kind="documents.to_direct",
        title=_("A document awaits your direction"),
        actor=actor,
    )


def document_submit(
    *, actor: User, document: Document, leader: User, request: HttpRequest | None = None
) -> Document:
    """Submit a registered document to a leader of the unit for direction."""
    readable_or_404(actor, document)
    _clerk_check(actor, document.unit_id)
    _leader_check(leader, document)
    with locked(document):
        _submit(actor, document, leader, request)
    return document


__all__ = [
    "DirectionLine",
    "IncomingFields",
    "Upload",
    "assignment_complete",
    "casefile_add",
    "casefile_close",
    "casefile_create",
    "document_comment",
    "document_complete",
    "document_direct",
    "document_receive",
    "document_receive_internal",
    "document_register",
    "document_return",
    "document_submit",
    "document_update_fields",
    "duplicates_of",
    "extension_decide",
    "extension_request",
    "info_seen",
    "result_file_add",
]
