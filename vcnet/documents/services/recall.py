"""Recall of an issued document (Decree 30 Art. 18; edXML 13/15/16): the sender's document is
frozen, each recipient's registry is asked to take its copy out of use and answers.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import holds_role, unit_role_holders
from vcnet.documents.models import Delivery, Document, EventVerb, Status, WorkItem, WorkKind
from vcnet.documents.services import outgoing_checks as checks
from vcnet.documents.services.common import (
    delivery_sync,
    event_add,
    index_on_commit,
    tell,
    work_add,
    work_done,
)
from vcnet.documents.services.delivery import exchange_send_on_commit
from vcnet.documents.workflow import transition

__all__ = ["document_recall", "recall_answer"]


def document_recall(
    *, actor: User, document: Document, reason: str, request: HttpRequest | None = None
) -> Document:
    """Recall an issued document: it is frozen; recipients are asked to delete their copy."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the recall."))
    if len(reason) > 500:
        raise DomainError(_("The reason is longer than 500 characters."))
    with transaction.atomic():
        document = checks.locked(document)
        checks.require_outgoing(document)
        if actor.pk != document.signer_id and not holds_role(actor, document.unit_id, Role.CLERK):
            raise PermissionDeniedError(
                _("Only the signer or the registry of the issuing unit may recall a document.")
            )
        transition(document, Status.RECALLED)
        now = timezone.now()
        document.frozen = True
        document.recalled_at = now
        document.updated_at = now
        document.save()
        event_add(document, EventVerb.RECALLED, actor=actor, note=reason)
        outside: list[int] = []
        deliveries = Delivery.objects.filter(document=document).select_related("incoming__unit")
        for delivery in deliveries:
            if delivery.unit_id is None:
                outside.append(delivery.pk)
                continue
            copy = delivery.incoming
            if copy is None or copy.status in (Status.RETURNED, Status.RECALLED):
                continue
            _recall_ask(actor, copy, reason)
            Delivery.objects.filter(pk=delivery.pk).update(
                status_code="13", status_note=reason, status_at=now
            )
        audit_write(
            actor=actor,
            action="document.recall",
            obj=document,
            data={"reason": reason},
            request=request,
        )
        exchange_send_on_commit(outside)
        index_on_commit(document)
    return document


def _recall_ask(actor: User, copy: Document, reason: str) -> None:
    """Ask the recipient's registry to take its copy out of use."""
    work_add(copy, WorkKind.RECALL, unit_id=copy.unit_id, role=Role.CLERK)
    event_add(copy, EventVerb.RECALLED, actor=actor, note=reason)
    tell(
        unit_role_holders(copy.unit_id, Role.CLERK),
        document=copy,
        kind="documents.recall",
        title=_("The sender recalls %(code)s: %(reason)s")
        % {"code": copy.code or copy.subject[:80], "reason": reason[:200]},
        actor=actor,
    )


def recall_answer(
    *,
    actor: User,
    document: Document,
    accept: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """A recipient's registry answers a recall (15 accepted: the copy is deleted from use;
    16 refused, with a note)."""
    note = (note or "").strip()[:500]
    if not accept and not note:
        raise DomainError(_("Give the reason for refusing the recall."))
    with transaction.atomic():
        document = checks.locked(document)
        if not holds_role(actor, document.unit_id, Role.CLERK):
            raise PermissionDeniedError(_("Only the registry of the unit may answer a recall."))
        pending = WorkItem.objects.filter(
            document=document, kind=WorkKind.RECALL, done_at__isnull=True
        )
        if not pending.exists():
            raise Conflict(_("No recall is waiting for an answer on this document."))
        now = timezone.now()
        if accept:
            transition(document, Status.RECALLED)
            document.frozen = True
            document.recalled_at = now
            work_done(document)
        else:
            work_done(document, WorkKind.RECALL)
        document.updated_at = now
        document.save()
        code = "15" if accept else "16"
        event_add(document, EventVerb.RECALL_ANSWERED, actor=actor, note=note, data={"code": code})
        delivery_sync(document, code, note=note, actor=actor)
        audit_write(
            actor=actor,
            action="document.recall_answer",
            obj=document,
            data={"code": code, "note": note},
            request=request,
        )
        index_on_commit(document)
    return document
