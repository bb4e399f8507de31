"""Outgoing documents (Decree 30 Art. 10-19): draft → content and layout approval → signer's
approval → to sign → number and date → issue → delivery and receipt tracking → recall.

CONTRACT (bodies owned by the outgoing helper; signatures are relied on by views, API, exchange).
This module drafts, approves and collects the signature; the signed file, numbering and issue live in `issuing`,
recall in `recall`, TUQ. delegations in `delegations` (re-exported here, so the contract's
import path holds); checks in `outgoing_checks`; delivery to recipients in `delivery`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import (
    grant_user,
    holds_role,
)
from vcnet.documents.models import (
    Approval,
    ApprovalStep,
    Delegation,
    Delivery,
    Direction,
    Document,
    DocumentFile,
    EventVerb,
    FileKind,
    SigningMode,
    Source,
    Status,
    WorkKind,
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
from vcnet.documents.services.incoming import Upload
from vcnet.documents.workflow import transition


@dataclass
class RecipientSpec:
    """A recipient: a unit inside VCNET, or an outside organisation by its identifier."""

    unit_id: int | None = None
    organ_id: str = ""
    organ_name: str = ""
    kind: str = "main"  # Delivery.Kind


@dataclass
class DraftFields:
    subject: str
    doc_type_id: int | None = None
    priority: int = 0
    confidentiality: int = 0
    due_date: dt.date | None = None
    signer_position: str = ""
    signer_name: str = ""
    signing_mode: str = ""
    on_behalf_of: str = ""
    recipients_text: str = ""
    description: str = ""
    in_reply_to_id: int | None = None
    recipients: list[RecipientSpec] = field(default_factory=list)


# Signing hook: the signing app registers functions here. `SEAL_HOOKS` run inside
# `document_issue` (the organisation's seal signature over the numbered file); each may replace
# the signed file. Without any, the uploaded signed file is issued as it is.
SEAL_HOOKS: list[Callable[[Document, User], None]] = []
# `NUMBER_HOOKS` run inside `document_number` once the number and date are given (the signing
# app writes them into the fields of the signed PDF); each may add a signed file version.
NUMBER_HOOKS: list[Callable[[Document, User], None]] = []

# The approval steps in their order (Decree 30 Art. 11-12) and the status of each.
STEPS: tuple[str, ...] = (ApprovalStep.CONTENT, ApprovalStep.LAYOUT, ApprovalStep.SIGNER)
STEP_STATUS: dict[str, str] = {
    ApprovalStep.CONTENT: Status.CONTENT_REVIEW,
    ApprovalStep.LAYOUT: Status.LAYOUT_REVIEW,
    ApprovalStep.SIGNER: Status.SIGNER_REVIEW,
}
# Statuses in which the drafter may still change the draft (a change after an approval sends
# it back to DRAFT: Art. 11, changes go back to the signer).
CHANGEABLE = {
    Status.DRAFT,
    Status.CONTENT_REVIEW,
    Status.LAYOUT_REVIEW,
    Status.SIGNER_REVIEW,
    Status.TO_SIGN,
}


def _fields_apply(actor: User, document: Document, fields: DraftFields) -> list[checks.Recipient]:
    """Check `fields` and copy them onto `document` (unsaved); returns the checked recipients."""
    texts = checks.clean_texts(
        {
            "subject": fields.subject,
            "signer_position": fields.signer_position,
            "signer_name": fields.signer_name,
            "on_behalf_of": fields.on_behalf_of,
            "recipients_text": fields.recipients_text,
            "description": fields.description,
        }
    )
    checks.clean_choices(
        priority=fields.priority,
        confidentiality=fields.confidentiality,
        signing_mode=fields.signing_mode,
    )
    document.doc_type = checks.clean_doc_type(fields.doc_type_id)
    document.due_date = checks.clean_due_date(fields.due_date)
    document.in_reply_to = checks.clean_reply_to(actor, fields.in_reply_to_id)
    for name, value in texts.items():
        setattr(document, name, value)
    document.priority = fields.priority
    document.confidentiality = fields.confidentiality
    document.signing_mode = fields.signing_mode
    return checks.clean_recipients(
        [(r.unit_id, r.organ_id, r.organ_name, r.kind) for r in fields.recipients],
        issuing_unit=document.unit,
    )


def _recipients_store(document: Document, recipients: list[checks.Recipient]) -> None:
    """Replace the draft's recipients (nothing has been sent before issue)."""
    Delivery.objects.filter(document=document).delete()
    Delivery.objects.bulk_create(
        Delivery(
            document=document,
            kind=r.kind,
            unit_id=r.unit_id,
            organ_id=r.organ_id,
            organ_name=r.organ_name,
        )
        for r in recipients
    )


def _main_file(document: Document) -> DocumentFile | None:
    return DocumentFile.objects.filter(
        document=document, kind=FileKind.MAIN, slot=0, current=True
    ).first()


def _current_round(document: Document) -> list[Approval]:
    """The approvals of the latest submission (its rows share one creation time)."""
    latest = Approval.objects.filter(document=document).aggregate(m=Max("created_at"))["m"]
    if latest is None:
        return []
    return list(
        Approval.objects.filter(document=document, created_at=latest).select_related("user")
    )


def _approvals_reset(actor: User, document: Document) -> None:
    """A change after submission: pending approvals are withdrawn, the draft goes back to DRAFT
    and whoever already approved (and the signer) is told it must come back to them."""
    if document.status == Status.DRAFT:
        return
    approved = {
        a.user_id for a in _current_round(document) if a.decision == Approval.Decision.APPROVED
    }
    work_done(document, WorkKind.APPROVE, WorkKind.SIGN)
    Approval.objects.filter(document=document, decision=Approval.Decision.PENDING).delete()
    transition(document, Status.DRAFT)
    watchers = approved | ({document.signer_id} if document.signer_id else set())
    tell(
        watchers,
        document=document,
        kind="documents.draft_changed",
        title=_("The draft was changed after approval and will be submitted again: %(subject)s")
        % {"subject": document.subject[:120]},
        actor=actor,
    )


def draft_create(
    *,
    actor: User,
    unit: Unit,
    fields: DraftFields,
    main: Upload,
    attachments: list[Upload] | None = None,
    drafting_unit: Unit | None = None,
    request: HttpRequest | None = None,
) -> Document:
    """A member of `unit` (or of a unit below it, the drafting unit) starts a draft."""
    drafting = drafting_unit or unit
    if not checks.in_subtree(drafting, unit):
        raise DomainError(_("The drafting unit must be the issuing unit or a unit under it."))
    if not checks.may_draft(actor, unit, drafting):
        raise PermissionDeniedError(_("Only members of the unit may draft its documents."))
    now = timezone.now()
    document = Document(
        direction=Direction.OUTGOING,
        unit=unit,
        status=Status.DRAFT,
        source=Source.DRAFTED,
        drafting_unit=drafting,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    recipients = _fields_apply(actor, document, fields)
    with files_guard(), transaction.atomic():
        document.save()
        _recipients_store(document, recipients)
        file_store(document, upload=main.stream, name=main.name, kind=FileKind.MAIN, actor=actor)
        for extra in attachments or []:
            file_store(
                document,
                upload=extra.stream,
                name=extra.name,
                kind=FileKind.ATTACHMENT,
                actor=actor,
            )
        document.save()
        grant_user(document, actor, "drafter")
        event_add(document, EventVerb.CREATED, actor=actor)
        audit_write(actor=actor, action="document.draft_create", obj=document, request=request)
        index_on_commit(document)
    return document


def draft_update(
    *,
    actor: User,
    document: Document,
    fields: DraftFields | None = None,
    main: Upload | None = None,
    note: str = "",
    attachments: list[Upload] | None = None,
    request: HttpRequest | None = None,
) -> Document:
    """The drafter changes the draft; a new main file is a new version (the old one is kept).

    A change after submission withdraws the approvals: the draft goes back to DRAFT and must be
    submitted again (Art. 11).
    """
    if fields is None and main is None and not attachments:
        raise DomainError(_("Nothing to change."))
    with files_guard(), transaction.atomic():
        document = checks.locked(document)
        checks.require_outgoing(document)
        checks.require_drafter(actor, document)
        if document.frozen or document.status not in CHANGEABLE:
            raise Conflict(_("This document can no longer be changed."))
        changed: list[str] = []
        if fields is not None:
            _recipients_store(document, _fields_apply(actor, document, fields))
            changed.append("fields")
        _approvals_reset(actor, document)
        if main is not None:
            stored = file_store(
                document,
                upload=main.stream,
                name=main.name,
                kind=FileKind.MAIN,
                actor=actor,
                note=note[:500],
            )
            changed.append(f"main v{stored.version}")
        for extra in attachments or []:
            file_store(
                document,
                upload=extra.stream,
                name=extra.name,
                kind=FileKind.ATTACHMENT,
                actor=actor,
            )
            changed.append("attachment")
        document.updated_at = timezone.now()
        document.save()
        event_add(document, EventVerb.UPDATED, actor=actor, note=note, data={"changed": changed})
        audit_write(
            actor=actor,
            action="document.draft_update",
            obj=document,
            data={"changed": changed},
            request=request,
        )
        index_on_commit(document)
    return document


def _signer_check(
    *, document: Document, signer: User, signing_mode: str, delegation: Delegation | None
) -> Delegation | None:
    """The signer may sign for the issuing unit in this mode; returns the delegation used."""
    if signing_mode not in SigningMode.values:
        raise DomainError(_("Unknown signing mode."))
    if signing_mode != SigningMode.TUQ:
        if delegation is not None:
            raise DomainError(_("A delegation is only used with the TUQ. signing mode."))
        if not holds_role(signer, document.unit_id, Role.LEADER):
            raise PermissionDeniedError(
                _(
                    "The signer must be a leader of the issuing unit, or sign TUQ. under a "
                    "written delegation."
                )
            )
        return None
    if delegation is None:
        delegation = checks.delegation_find(
            unit=document.unit, delegate=signer, day=timezone.localdate()
        )
    if delegation is None:
        raise PermissionDeniedError(
            _("Signing TUQ. needs a valid written delegation to the signer.")
        )
    checks.delegation_check(delegation, unit_id=document.unit_id, signer=signer)
    return delegation


def draft_submit(
    *,
    actor: User,
    document: Document,
    content_approver: User,
    layout_checker: User,
    signer: User,
    signing_mode: str = "",
    delegation: Delegation | None = None,
    request: HttpRequest | None = None,
) -> Document:
    """Send the draft through content approval (head of the drafting unit), the layout check and
    the signer's approval, in that order. TUQ. needs a valid delegation to the signer."""
    with transaction.atomic():
        document = checks.locked(document)
        checks.require_outgoing(document)
        checks.require_drafter(actor, document)
        if document.status != Status.DRAFT:
            raise Conflict(_("Only a draft can be submitted for approval."))
        drafting_id = document.drafting_unit_id or document.unit_id
        if not holds_role(content_approver, drafting_id, Role.LEADER):
            raise PermissionDeniedError(
                _("The content must be approved by a leader of the drafting unit.")
            )
        if not (
            holds_role(layout_checker, document.unit_id, *Role.values)
            or holds_role(layout_checker, drafting_id, *Role.values)
        ):
            raise PermissionDeniedError(
                _("The layout must be checked by a member of the issuing or drafting unit.")
            )
        mode = signing_mode or document.signing_mode
        used = _signer_check(
            document=document, signer=signer, signing_mode=mode, delegation=delegation
        )
        main = _main_file(document)
        now = timezone.now()
        approvals = [
            Approval.objects.create(
                document=document, step=step, user=user, file=main, created_at=now
            )
            for step, user in zip(STEPS, (content_approver, layout_checker, signer), strict=True)
        ]
        document.signer = signer
        document.signing_mode = mode
        document.delegation = used
        transition(document, Status.CONTENT_REVIEW)
        document.updated_at = now
        document.save()
        work_done(document, WorkKind.REVISE)
        for person in (content_approver, layout_checker, signer):
            grant_user(document, person, "approver")
        first = approvals[0]
        work_add(document, WorkKind.APPROVE, user=first.user, approval=first)
        event_add(
            document,
            EventVerb.SENT_FOR_REVIEW,
            actor=actor,
            data={
                "content": content_approver.full_name,
                "layout": layout_checker.full_name,
                "signer": signer.full_name,
                "mode": mode,
                "version": main.version if main else None,
            },
        )
        audit_write(
            actor=actor,
            action="document.draft_submit",
            obj=document,
            data={"signer": signer.pk, "mode": mode, "delegation": used.pk if used else None},
            request=request,
        )
        _tell_approver(first, actor)
    return document


def _tell_approver(approval: Approval, actor: User | None) -> None:
    tell(
        [approval.user_id],
        document=approval.document,
        kind="documents.approve",
        title=_("To approve (%(step)s): %(subject)s")
        % {"step": approval.get_step_display(), "subject": approval.document.subject[:120]},
        actor=actor,
    )


def approval_decide(
    *,
    actor: User,
    approval: Approval,
    approve: bool,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """Approve (the next step starts) or return the draft to its drafter with a comment."""
    comment = (comment or "").strip()
    if not approve and not comment:
        raise DomainError(_("Say what must be changed when returning a draft."))
    with transaction.atomic():
        document = checks.locked(approval.document)
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        approval.document = document
        if approval.user_id != actor.pk:
            raise PermissionDeniedError(_("This approval is addressed to someone else."))
        if approval.decision != Approval.Decision.PENDING:
            raise Conflict(_("This approval has already been decided."))
        if document.status != STEP_STATUS[approval.step]:
            raise Conflict(_("This draft is not waiting for this approval now."))
        now = timezone.now()
        approval.decision = Approval.Decision.APPROVED if approve else Approval.Decision.RETURNED
        approval.comment = comment
        approval.decided_at = now
        approval.file = _main_file(document)
        approval.save()
        work_done(document, WorkKind.APPROVE, approval=approval)
        if approve:
            _approval_next(actor, document, approval)
        else:
            _draft_return(actor, document, approval)
        document.updated_at = now
        document.save()
        audit_write(
            actor=actor,
            action="document.approve" if approve else "document.send_back",
            obj=document,
            data={"step": approval.step, "approval": approval.pk},
            request=request,
        )
    return document


def _approval_next(actor: User, document: Document, approval: Approval) -> None:
    """Open the next step, or, after the signer, put the document in the signer's 'to sign'."""
    event_add(
        document,
        EventVerb.APPROVED,
        actor=actor,
        note=approval.comment,
        data={"step": approval.step, "version": approval.file.version if approval.file else None},
    )
    following = STEPS[STEPS.index(approval.step) + 1 :]
    nxt = (
        Approval.objects.filter(
            document=document, step__in=following, decision=Approval.Decision.PENDING
        )
        .select_related("user")
        .order_by("created_at", "id")
    )
    upcoming = sorted(nxt, key=lambda a: STEPS.index(a.step))
    if upcoming:
        step = upcoming[0]
        transition(document, STEP_STATUS[step.step])
        step.document = document
        work_add(document, WorkKind.APPROVE, user=step.user, approval=step)
        _tell_approver(step, actor)
        return
    if (
        document.signing_mode == SigningMode.TUQ
        and document.delegation is not None
        and document.signer is not None
    ):
        checks.delegation_check(
            document.delegation, unit_id=document.unit_id, signer=document.signer
        )
    transition(document, Status.TO_SIGN)
    work_add(document, WorkKind.SIGN, user=document.signer)
    tell(
        [document.signer_id] if document.signer_id else [],
        document=document,
        kind="documents.sign",
        title=_("To sign: %(subject)s") % {"subject": document.subject[:120]},
        actor=actor,
    )


def _draft_return(actor: User, document: Document, approval: Approval) -> None:
    """Back to the drafter with the comment; the approvals still pending are withdrawn."""
    Approval.objects.filter(document=document, decision=Approval.Decision.PENDING).delete()
    work_done(document, WorkKind.APPROVE)
    transition(document, Status.DRAFT)
    event_add(
        document,
        EventVerb.SENT_BACK,
        actor=actor,
        note=approval.comment,
        data={"step": approval.step},
    )
    drafter = document.created_by
    if drafter is not None:
        work_add(document, WorkKind.REVISE, user=drafter)
        tell(
            [drafter],
            document=document,
            kind="documents.revise",
            title=_("Returned for changes: %(subject)s") % {"subject": document.subject[:120]},
            actor=actor,
        )


# The rest of the contract, re-exported from the modules that own it (STYLE rule 4).
from vcnet.documents.services.delegations import (  # noqa: E402
    delegation_create,
    delegation_revoke,
)
from vcnet.documents.services.issuing import (  # noqa: E402
    document_issue,
    document_number,
    document_sign_upload,
)
from vcnet.documents.services.recall import document_recall, recall_answer  # noqa: E402

__all__ = [
    "NUMBER_HOOKS",
    "SEAL_HOOKS",
    "DraftFields",
    "RecipientSpec",
    "approval_decide",
    "delegation_create",
    "delegation_revoke",
    "document_issue",
    "document_number",
    "document_recall",
    "document_sign_upload",
    "draft_create",
    "draft_submit",
    "draft_update",
    "recall_answer",
]
