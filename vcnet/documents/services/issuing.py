"""Signed, numbered, issued (Decree 30 Art. 13-16): the signer hands in the signed file, the
registry gives the number, notation and date; issuing runs the seal hooks and delivers to every
recipient.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import grant_holding_unit, unit_role_holders
from vcnet.documents.models import (
    Delivery,
    Direction,
    Document,
    DocumentFile,
    EventVerb,
    FileKind,
    SigningMode,
    Status,
    WorkKind,
)
from vcnet.documents.numbering import (
    issuer_abbreviation,
    notation_format,
    number_take,
    register_for,
    unit_profile,
)
from vcnet.documents.services import outgoing_checks as checks
from vcnet.documents.services.common import (
    event_add,
    file_store,
    files_guard,
    index_on_commit,
    tell,
    work_add,
    work_done,
)
from vcnet.documents.services.delivery import deliver_internal, exchange_send_on_commit
from vcnet.documents.services.incoming import Upload
from vcnet.documents.workflow import transition

__all__ = ["document_issue", "document_number", "document_sign_upload"]


def document_sign_upload(
    *, actor: User, document: Document, signed: Upload, request: HttpRequest | None = None
) -> DocumentFile:
    """The signer hands in the signed PDF (signed with their token's tool, or by the signing
    app): TO_SIGN → TO_ISSUE, the registry is asked to number and issue."""
    with files_guard(), transaction.atomic():
        document = checks.locked(document)
        sign_allowed(actor, document)
        return signed_accept(
            actor=actor, document=document, signed=signed, method="upload", request=request
        )


def sign_allowed(actor: User, document: Document) -> None:
    """Only the designated signer signs, while the document waits for the signature (TUQ.:
    under a delegation still valid today). `document` is the locked row."""
    checks.require_outgoing(document)
    if actor.pk != document.signer_id:
        raise PermissionDeniedError(_("Only the signer may hand in the signed document."))
    if document.status != Status.TO_SIGN:
        raise Conflict(_("This document is not waiting for a signature."))
    if document.signing_mode == SigningMode.TUQ and document.delegation is not None:
        checks.delegation_check(document.delegation, unit_id=document.unit_id, signer=actor)


def signed_accept(
    *,
    actor: User,
    document: Document,
    signed: Upload,
    method: str,
    request: HttpRequest | None = None,
) -> DocumentFile:
    """The shared tail of every way of signing (upload, the platform's key, a token, a remote
    service): store the signed version, TO_SIGN → TO_ISSUE, and ask the registry to number and
    issue. Call inside the service's `files_guard()` and transaction, after `sign_allowed`."""
    stored = file_store(
        document,
        upload=signed.stream,
        name=signed.name,
        kind=FileKind.SIGNED,
        actor=actor,
        require_pdf=True,
    )
    transition(document, Status.TO_ISSUE)
    document.updated_at = timezone.now()
    document.save()
    work_done(document, WorkKind.SIGN)
    grant_holding_unit(document)
    work_add(document, WorkKind.ISSUE, unit_id=document.unit_id, role=Role.CLERK)
    event_add(document, EventVerb.SIGNED, actor=actor, data={"file": stored.pk, "method": method})
    audit_write(
        actor=actor,
        action="document.sign",
        obj=document,
        data={"sha256": stored.sha256, "method": method},
        request=request,
    )
    tell(
        unit_role_holders(document.unit_id, Role.CLERK),
        document=document,
        kind="documents.issue",
        title=_("Signed, to number and issue: %(subject)s") % {"subject": document.subject[:120]},
        actor=actor,
    )
    index_on_commit(document)
    return stored


def document_number(
    *,
    actor: User,
    document: Document,
    issued_date: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Document:
    """The registry gives the next number in the outgoing register and the issue date."""
    today = timezone.localdate()
    day = issued_date or today
    if day > today:
        raise DomainError(_("The issue date cannot be in the future."))
    with files_guard(), transaction.atomic():
        document = checks.locked(document)
        checks.require_outgoing(document)
        checks.require_clerk(actor, document)
        if document.code_number:
            raise Conflict(_("This document already has a number."))
        if document.status != Status.TO_ISSUE:
            raise Conflict(_("A document is numbered only after it has been signed."))
        doc_type = document.doc_type
        if doc_type is not None and not doc_type.valid_on(day):
            raise DomainError(_("This type of document was not in use on the issue date."))
        register = register_for(
            unit=document.unit,
            direction=Direction.OUTGOING,
            doc_type=doc_type,
            confidential=document.confidentiality > 0,
        )
        number, period = number_take(register, day)
        profile = unit_profile(document.unit)
        drafting = document.drafting_unit
        written, notation = notation_format(
            style=profile.style,
            number=number,
            type_abbr=doc_type.abbreviation_for(profile.style) if doc_type else "",
            issuer=issuer_abbreviation(document.unit, day),
            drafting=(
                issuer_abbreviation(drafting, day)
                if drafting is not None and drafting.pk != document.unit_id
                else ""
            ),
            pattern=register.notation_pattern,
        )
        if len(notation) > 30:
            raise DomainError(
                _("The notation is longer than 30 characters: %(n)s") % {"n": notation}
            )
        document.code_number = written
        document.code_notation = notation
        document.issued_date = day
        document.registered_year = period
        document.register = register
        _issuer_fill(document, profile_organ_id=profile.organ_id, place=profile.place)
        document.updated_at = timezone.now()
        document.save()
        from vcnet.documents.services.outgoing import NUMBER_HOOKS

        for hook in list(NUMBER_HOOKS):  # the number and date written into the signed PDF
            hook(document, actor)
        event_add(document, EventVerb.NUMBERED, actor=actor, data={"code": document.code})
        audit_write(
            actor=actor,
            action="document.number",
            obj=document,
            data={"code": document.code, "register": register.pk, "period": period},
            request=request,
        )
        index_on_commit(document)
    return document


def _issuer_fill(document: Document, *, profile_organ_id: str, place: str) -> None:
    """Fields the registry would otherwise type: issuer, identifier, place, signer."""
    document.organ_name = document.organ_name or document.unit.name[:200]
    document.organ_id = document.organ_id or profile_organ_id
    document.place = document.place or place
    signer = document.signer
    if signer is not None:
        document.signer_name = document.signer_name or signer.full_name[:50]
        document.signer_position = (
            document.signer_position or checks.signer_title(signer, document.unit_id)[:100]
        )


def document_issue(
    *, actor: User, document: Document, request: HttpRequest | None = None
) -> Document:
    """Issue a numbered document: seal hooks, then internal recipients receive it at once as an
    incoming document; outside ones by exchange package."""
    with files_guard(), transaction.atomic():
        document = checks.locked(document)
        checks.require_outgoing(document)
        checks.require_clerk(actor, document)
        if document.status == Status.ISSUED:
            raise Conflict(_("This document has already been issued."))
        if document.status == Status.TO_ISSUE and not document.code_number:
            raise Conflict(_("Number the document before issuing it."))
        from vcnet.documents.services.outgoing import SEAL_HOOKS

        for hook in list(SEAL_HOOKS):
            hook(document, actor)
        transition(document, Status.ISSUED)
        now = timezone.now()
        document.issued_at = now
        document.updated_at = now
        document.save()
        work_done(document, WorkKind.ISSUE)
        deliveries = list(Delivery.objects.filter(document=document).order_by("id"))
        outside: list[int] = []
        for delivery in deliveries:
            if delivery.unit_id is not None:
                delivery.sent_at = now
                deliver_internal(delivery)
            else:
                outside.append(delivery.pk)
        event_add(
            document,
            EventVerb.ISSUED,
            actor=actor,
            data={"code": document.code, "recipients": [d.organ_name for d in deliveries]},
        )
        audit_write(
            actor=actor,
            action="document.issue",
            obj=document,
            data={"code": document.code, "deliveries": [d.pk for d in deliveries]},
            request=request,
        )
        watchers = {u for u in (document.created_by_id, document.signer_id) if u}
        tell(
            watchers,
            document=document,
            kind="documents.issued",
            title=_("Issued: %(code)s") % {"code": document.code},
            actor=actor,
        )
        exchange_send_on_commit(outside)
        index_on_commit(document)
    return document
