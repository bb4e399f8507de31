"""Status messages of the inter-agency exchange, and the pieces both directions share.

`status_send` (a `STATUS_HOOKS` hook) tells the sender of an exchanged copy how far it has got;
`status_receive` applies a message from the hub: to our `Delivery` (01…06, 15, 16), or, for 13,
to the copy we received (a RECALL work item for the registry). `recall_send` is status 13 for
an outside delivery of a recalled document. Import from `services.exchange`.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound
from vcnet.documents.access import unit_role_holders
from vcnet.documents.exchange import (
    Adapter,
    Organ,
    StatusMessage,
    adapter_get,
)
from vcnet.documents.exchange.hub import Hub, hub_get
from vcnet.documents.models import (
    EDXML_STATUS,
    Delivery,
    Document,
    DocumentEvent,
    EventVerb,
    ExchangeMessage,
    ExchangePartner,
    WorkKind,
)
from vcnet.documents.numbering import unit_profile
from vcnet.documents.services.common import (
    _guard,
    event_add,
    files_guard,
    tell,
    work_add,
)

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_ADAPTER",
    "adapter_for",
    "hub_send",
    "message_store",
    "own_organ",
    "recall_send",
    "status_receive",
    "status_send",
]

DEFAULT_ADAPTER = "edxml"
# Codes the sender is told about at once (the others only show on the delivery).
NOTIFY_CODES = ("01", "02", "06", "15", "16")

# --- Shared by both directions ---------------------------------------------------------


def own_organ(unit: Unit) -> Organ:
    """The unit as the hub knows it; DomainError when it has no organisation identifier."""
    profile = unit_profile(unit)
    if not profile.organ_id:
        raise DomainError(
            _("%(unit)s has no organisation identifier for inter-agency exchange.")
            % {"unit": unit.name}
        )
    parent = unit.parent.name if unit.parent_id and unit.parent else ""
    return Organ(organ_id=profile.organ_id, name=unit.name[:200], in_charge=parent)


def adapter_for(organ_id: str) -> str:
    """The hub format a partner speaks (edXML unless configured otherwise)."""
    partner = ExchangePartner.objects.filter(organ_id=organ_id, active=True).first()
    return partner.adapter if partner is not None else DEFAULT_ADAPTER


def message_store(
    *,
    kind: str,
    way: str,
    adapter: Adapter,
    data: bytes,
    document: Document | None,
    from_organ_id: str,
    to_organ_id: str,
    edxml_id: str,
    status_code: str = "",
) -> ExchangeMessage:
    """Keep the package or status message verbatim (call inside the service's transaction)."""
    digest = hashlib.sha256(data).hexdigest()
    message = ExchangeMessage(
        kind=kind,
        way=way,
        adapter=adapter.name,
        document=document,
        from_organ_id=from_organ_id,
        to_organ_id=to_organ_id,
        edxml_id=edxml_id[:100],
        status_code=status_code,
        sha256=digest,
    )
    message.payload.save(f"{digest[:16]}{adapter.file_suffix}", ContentFile(data), save=False)
    guard = _guard.get()
    if guard is not None:  # deleted again if the surrounding `files_guard()` block fails
        guard.append(message.payload.name)
    message.save()
    return message


def hub_send(hub: Hub, *, sender: str, recipient: str, data: bytes, adapter: Adapter) -> str:
    """Hand bytes to the hub; a transport failure becomes a DomainError."""
    try:
        return hub.send(sender=sender, recipient=recipient, data=data, suffix=adapter.file_suffix)
    except OSError as exc:
        log.exception("exchange hub unreachable")
        raise DomainError(_("The exchange hub could not be reached; try again later.")) from exc


def recall_send(delivery: Delivery) -> ExchangeMessage | None:
    """Status 13 to a recipient that got the package: the sender withdraws the document."""
    document = delivery.document
    sent = (
        ExchangeMessage.objects.filter(
            document=document,
            kind=ExchangeMessage.Kind.PACKAGE,
            way=ExchangeMessage.Way.SENT,
            to_organ_id=delivery.organ_id,
        )
        .order_by("-created_at")
        .first()
    )
    if sent is None:
        return None  # never sent: nothing to withdraw
    reason = (
        DocumentEvent.objects.filter(document=document, verb=EventVerb.RECALLED)
        .order_by("-created_at")
        .values_list("note", flat=True)
        .first()
    ) or str(EDXML_STATUS["13"])
    status = StatusMessage(
        sender=own_organ(document.unit),
        document_id=sent.edxml_id,
        status_code="13",
        response_organ_id=sent.from_organ_id,
        response_code=document.code,
        response_date=document.issued_date,
        description=reason,
        timestamp=timezone.now(),
    )
    return _status_deliver(
        status, document=document, recipient=delivery.organ_id, adapter_name=sent.adapter
    )


def _status_deliver(
    status: StatusMessage, *, document: Document, recipient: str, adapter_name: str
) -> ExchangeMessage:
    adapter = adapter_get(adapter_name)
    data = adapter.status_build(status)
    with files_guard(), transaction.atomic():
        message = message_store(
            kind=ExchangeMessage.Kind.STATUS,
            way=ExchangeMessage.Way.SENT,
            adapter=adapter,
            data=data,
            document=document,
            from_organ_id=status.sender.organ_id,
            to_organ_id=recipient,
            edxml_id=status.document_id,
            status_code=status.status_code,
        )
        if status.status_code == "13":
            Delivery.objects.filter(document=document, organ_id=recipient).update(
                status_code="13", status_note=status.description[:500], status_at=timezone.now()
            )
        hub_send(
            hub_get(),
            sender=status.sender.organ_id,
            recipient=recipient,
            data=data,
            adapter=adapter,
        )
    return message


# --- Status messages -------------------------------------------------------------------------


def status_send(document_id: int, code: str, note: str) -> None:
    """Tell the sender of an exchanged copy how far it has got here (a `STATUS_HOOKS` hook).

    Runs after the change has committed; a hub failure is logged and does not undo the change.
    """
    document = Document.objects.select_related("unit").filter(pk=document_id).first()
    if document is None:
        return
    received = (
        ExchangeMessage.objects.filter(
            document=document,
            kind=ExchangeMessage.Kind.PACKAGE,
            way=ExchangeMessage.Way.RECEIVED,
        )
        .order_by("-created_at")
        .first()
    )
    if received is None:
        return
    status = StatusMessage(
        sender=Organ(organ_id=received.to_organ_id, name=document.unit.name[:200]),
        document_id=received.edxml_id,
        status_code=code,
        response_organ_id=received.from_organ_id,
        response_code=document.code,
        response_date=document.issued_date,
        description=note or str(EDXML_STATUS.get(code, code)),
        timestamp=timezone.now(),
    )
    try:
        _status_deliver(
            status,
            document=document,
            recipient=received.from_organ_id,
            adapter_name=received.adapter,
        )
    except DomainError:
        log.exception("status %s of document %s could not be sent", code, document_id)
        return


def status_receive(*, data: bytes, adapter: str = DEFAULT_ADAPTER, organ_id: str = "") -> Document:
    """Apply a status message from the hub; returns the document it concerns.

    01…06, 15, 16 from a recipient update our `Delivery` to it and the outgoing timeline; 13
    from a sender asks our registry (a RECALL work item) to withdraw the copy we received.
    `organ_id`, when given, is who the message was delivered to (it must be ours).
    """
    fmt = adapter_get(adapter)
    status = fmt.status_parse(data)
    if status.status_code == "13":
        return _recall_receive(status, fmt=fmt, data=data, organ_id=organ_id)
    sent, document = _package_for(status, way=ExchangeMessage.Way.SENT, organ_id=organ_id)
    delivery = Delivery.objects.filter(document=document, organ_id=status.sender.organ_id).first()
    if delivery is None:
        raise NotFound(
            _("No document %(id)s was sent to %(organ)s.")
            % {"id": status.document_id, "organ": status.sender.organ_id}
        )
    code = status.status_code
    now = timezone.now()
    with files_guard(), transaction.atomic():
        message_store(
            kind=ExchangeMessage.Kind.STATUS,
            way=ExchangeMessage.Way.RECEIVED,
            adapter=fmt,
            data=data,
            document=document,
            from_organ_id=status.sender.organ_id,
            to_organ_id=sent.from_organ_id,
            edxml_id=status.document_id,
            status_code=code,
        )
        changes: dict[str, Any] = {
            "status_code": code,
            "status_note": status.description[:500],
            "status_at": now,
        }
        if delivery.arrived_at is None and code != "02":
            changes["arrived_at"] = now
        if code in ("03", "04", "05", "06") and delivery.registered_at is None:
            changes["registered_at"] = now
        Delivery.objects.filter(pk=delivery.pk).update(**changes)
        label = EDXML_STATUS.get(code, code)
        event = event_add(
            document,
            EventVerb.STATUS,
            actor=None,
            note=status.description,
            data={"code": code, "recipient": delivery.organ_name, "delivery": delivery.pk},
        )
        DocumentEvent.objects.filter(pk=event.pk).update(
            actor_name=status.staff_name or delivery.organ_name,
            unit_name=delivery.organ_name[:255],
        )
        audit_write(
            actor=None,
            action="documents.exchange.status",
            obj=document,
            data={"code": code, "from": status.sender.organ_id, "delivery": delivery.pk},
        )
        if code in NOTIFY_CODES:
            watchers = {u for u in (document.created_by_id, document.signer_id) if u}
            watchers |= set(
                unit_role_holders(document.unit_id, Role.CLERK).values_list("pk", flat=True)
            )
            tell(
                watchers,
                document=document,
                kind=f"documents.status.{code}",
                title=_("%(recipient)s: %(status)s")
                % {"recipient": delivery.organ_name, "status": label},
                actor=None,
            )
    return document


def _recall_receive(status: StatusMessage, *, fmt: Adapter, data: bytes, organ_id: str) -> Document:
    received, copy = _package_for(status, way=ExchangeMessage.Way.RECEIVED, organ_id=organ_id)
    with files_guard(), transaction.atomic():
        message_store(
            kind=ExchangeMessage.Kind.STATUS,
            way=ExchangeMessage.Way.RECEIVED,
            adapter=fmt,
            data=data,
            document=copy,
            from_organ_id=status.sender.organ_id,
            to_organ_id=received.to_organ_id,
            edxml_id=status.document_id,
            status_code="13",
        )
        event_add(
            copy,
            EventVerb.RECALLED,
            actor=None,
            note=status.description,
            data={"code": "13", "from": status.sender.organ_id},
        )
        work_add(copy, WorkKind.RECALL, unit_id=copy.unit_id, role=Role.CLERK)
        audit_write(
            actor=None,
            action="documents.exchange.recall_received",
            obj=copy,
            data={"from": status.sender.organ_id, "document_id": status.document_id},
        )
        tell(
            unit_role_holders(copy.unit_id, Role.CLERK),
            document=copy,
            kind="documents.recall",
            title=_("%(sender)s recalls a document: %(reason)s")
            % {"sender": copy.organ_name or status.sender.organ_id, "reason": status.description},
            actor=None,
        )
    return copy


def _package_for(
    status: StatusMessage, *, way: str, organ_id: str
) -> tuple[ExchangeMessage, Document]:
    """The latest package (with its document) that a status message concerns: one we SENT to
    its sender, or one we RECEIVED from it; `organ_id`, when given, is our side of the package.
    """
    sent = way == ExchangeMessage.Way.SENT
    peer, ours = ("to_organ_id", "from_organ_id") if sent else ("from_organ_id", "to_organ_id")
    filters: dict[str, Any] = {peer: status.sender.organ_id}
    if organ_id:
        filters[ours] = organ_id
    package = (
        ExchangeMessage.objects.filter(
            kind=ExchangeMessage.Kind.PACKAGE,
            way=way,
            edxml_id=status.document_id[:100],
            document__isnull=False,
            **filters,
        )
        .select_related("document__unit")
        .order_by("-created_at")
        .first()
    )
    if package is None or package.document is None:
        message = (
            _("No document %(id)s was sent to %(organ)s.")
            if sent
            else _("No document %(id)s was received from %(organ)s.")
        )
        raise NotFound(message % {"id": status.document_id, "organ": status.sender.organ_id})
    return package, package.document
