"""Delivery of issued documents: inside VCNET at once, outside through the exchange hook.

An internal recipient gets its own incoming `Document` row (its register, its arrival number,
its routing), pointing back to the outgoing one by `origin`. The files are not copied: the
copy's `DocumentFile` rows name the same stored files (issued files never change: a correction
is a new document), so a document sent to fifty units is stored once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError
from vcnet.documents.access import grant_holding_unit, unit_role_holders
from vcnet.documents.models import (
    Delivery,
    Direction,
    Document,
    DocumentFile,
    EventVerb,
    FileKind,
    Source,
    Status,
    WorkKind,
)
from vcnet.documents.services.common import (
    delivery_sync,
    event_add,
    index_on_commit,
    tell,
    work_add,
)

__all__ = ["EXCHANGE_SENDERS", "deliver_internal", "exchange_send_on_commit"]

# Exchange hook: the exchange module registers its exporter here. Each function is called after
# the transaction commits with the id of a `Delivery` to an outside organisation: on issue (send
# the package) and on recall (send status 13); the document's status tells which. What a sender
# returns is ignored.
EXCHANGE_SENDERS: list[Callable[[int], object]] = []

# Fields an incoming copy takes over from the outgoing document as issued.
COPIED_FIELDS = (
    "doc_type_id",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "organ_id",
    "place",
    "subject",
    "language",
    "page_amount",
    "description",
    "signer_position",
    "signer_name",
    "signing_mode",
    "on_behalf_of",
    "priority",
    "confidentiality",
    "due_date",
    "due_at",
    "issued_amount",
    "recipients_text",
    "content_hash",
    "text",
)


def exchange_send_on_commit(delivery_ids: list[int]) -> None:
    """Hand these outside deliveries to the exchange senders once the transaction commits."""
    if not delivery_ids or not EXCHANGE_SENDERS:
        return
    ids = list(delivery_ids)
    senders = list(EXCHANGE_SENDERS)

    def _send() -> None:
        for delivery_id in ids:
            for sender in senders:
                sender(delivery_id)

    transaction.on_commit(_send)


def _files_share(origin: Document, copy: Document) -> None:
    """The copy's files: the signed file (else the main one) as its main file, and the
    attachments, each a new row naming the same stored file."""
    current = list(
        DocumentFile.objects.filter(
            document=origin,
            current=True,
            kind__in=(FileKind.MAIN, FileKind.SIGNED, FileKind.ATTACHMENT),
        ).order_by("kind", "slot")
    )
    signed = [f for f in current if f.kind == FileKind.SIGNED]
    main = signed[:1] or [f for f in current if f.kind == FileKind.MAIN][:1]
    attachments = [f for f in current if f.kind == FileKind.ATTACHMENT]
    rows = []
    for source, kind in [(f, FileKind.MAIN) for f in main] + [
        (f, FileKind.ATTACHMENT) for f in attachments
    ]:
        rows.append(
            DocumentFile(
                document=copy,
                kind=kind,
                slot=0 if kind == FileKind.MAIN else source.slot,
                version=1,
                current=True,
                name=source.name,
                file=source.file.name,
                content_type=source.content_type,
                size=source.size,
                sha256=source.sha256,
                page_amount=source.page_amount,
                uploaded_by=None,
            )
        )
    for stored in DocumentFile.objects.bulk_create(rows):
        if stored.content_type == "application/pdf":
            # The recipient sees the signatures checked on arrival (a report per file row; the
            # same bytes validated a moment ago are reused).
            from vcnet.signing.validation import validate_on_commit

            validate_on_commit(stored.pk)


def _reply_target(origin: Document, unit_id: int) -> Document | None:
    """If the outgoing document answers a document that this recipient sent, the recipient's
    copy answers the recipient's own outgoing document."""
    answered = origin.in_reply_to
    if answered is not None and answered.origin is not None and answered.origin.unit_id == unit_id:
        return answered.origin
    return None


def deliver_internal(delivery: Delivery) -> Document:
    """Create the recipient unit's incoming copy of an issued document, at once.

    Status RECEIVED, source INTERNAL, fields copied, `origin` set, files shared (not copied);
    the recipient's clerks get a REGISTER item and a notification (urgent ones flagged); the
    sender sees status 01. Call inside the issuing transaction.
    """
    if delivery.unit_id is None:
        raise DomainError(_("This recipient is outside VCNET; it is reached by exchange."))
    if delivery.incoming_id is not None:
        raise Conflict(_("This recipient has already received the document."))
    origin = (
        Document.objects.select_related("unit", "in_reply_to__origin")
        .filter(pk=delivery.document_id)
        .get()
    )
    if origin.direction != Direction.OUTGOING or origin.status != Status.ISSUED:
        raise Conflict(_("Only an issued document can be delivered."))
    now = timezone.now()
    with transaction.atomic():
        copy = Document(
            direction=Direction.INCOMING,
            unit_id=delivery.unit_id,
            status=Status.RECEIVED,
            source=Source.INTERNAL,
            origin=origin,
            in_reply_to=_reply_target(origin, delivery.unit_id),
            arrival_date=now,
            created_at=now,
            updated_at=now,
        )
        for name in COPIED_FIELDS:
            setattr(copy, name, getattr(origin, name))
        if not copy.organ_name:
            copy.organ_name = origin.unit.name
        copy.save()
        _files_share(origin, copy)
        delivery.incoming = copy
        if delivery.sent_at is None:
            delivery.sent_at = now
        delivery.save(update_fields=["incoming", "sent_at"])
        grant_holding_unit(copy)
        work_add(copy, WorkKind.REGISTER, unit_id=delivery.unit_id, role=Role.CLERK)
        event_add(
            copy,
            EventVerb.RECEIVED,
            actor=None,
            note=_("Delivered inside VCNET by %(sender)s.") % {"sender": origin.unit.name},
            data={"origin": origin.pk, "delivery": delivery.pk},
        )
        audit_write(
            actor=None,
            action="document.receive_internal",
            obj=copy,
            data={"origin": origin.pk, "delivery": delivery.pk},
        )
        delivery_sync(copy, "01")
        delivery.refresh_from_db()
        tell(
            unit_role_holders(delivery.unit_id, Role.CLERK),
            document=copy,
            kind="documents.received",
            title=_("New document from %(sender)s: %(code)s")
            % {"sender": copy.organ_name, "code": copy.code or copy.subject[:80]},
            actor=None,
        )
        index_on_commit(copy)
    return copy
