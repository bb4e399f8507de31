"""Inter-agency exchange (QCVN 102:2016): export issued documents, import packages, status flow.

- `package_export(delivery_id)` (an `EXCHANGE_SENDERS` hook) sends an issued document to an
  outside organisation as a package, or, once the document is recalled, sends status 13.
- `package_import(...)` turns a received package into an incoming document (source EXCHANGE)
  and answers status 01; every later status of that copy goes back by `status_send` (a
  `STATUS_HOOKS` hook: 02, 03, 04, 05, 06, 15, 16).
- `status_receive(...)` (in `exchange_status`, re-exported here) applies a status message: to
  our `Delivery` (01…16), or, for 13 (recall), to our copy, with a RECALL work item.
- `hub_poll()` takes in everything waiting at the hub for each unit with an organisation id.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.access import holds_role
from vcnet.documents.exchange import (
    BUSINESS_NEW,
    Adapter,
    Attachment,
    ExchangeError,
    Organ,
    Package,
    StatusMessage,
    adapter_get,
    document_id_format,
)
from vcnet.documents.exchange.hub import hub_get
from vcnet.documents.models import (
    EDXML_STATUS,
    Delivery,
    Document,
    DocumentFile,
    DocumentType,
    EventVerb,
    ExchangeMessage,
    FileKind,
    Source,
    Status,
    UnitProfile,
)
from vcnet.documents.numbering import unit_profile
from vcnet.documents.services.common import (
    delivery_sync,
    event_add,
    files_guard,
)
from vcnet.documents.services.exchange_status import (
    DEFAULT_ADAPTER,
    adapter_for,
    hub_send,
    message_store,
    own_organ,
    recall_send,
    status_receive,
    status_send,
)
from vcnet.documents.services.incoming import IncomingFields, Upload, document_receive

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_ADAPTER",
    "PollResult",
    "hub_poll",
    "package_build_for",
    "package_export",
    "package_import",
    "status_receive",
    "status_send",
]


# --- Export ----------------------------------------------------------------------------------


def _files_for_package(document: Document) -> list[Attachment]:
    files = list(
        DocumentFile.objects.filter(document=document, current=True).order_by("kind", "slot")
    )
    signed = [f for f in files if f.kind == FileKind.SIGNED]
    main = signed or [f for f in files if f.kind == FileKind.MAIN]
    if not main:
        raise DomainError(_("The document has no file to send."))
    chosen = main[:1] + [f for f in files if f.kind == FileKind.ATTACHMENT]
    attachments = []
    for stored in chosen:
        with stored.file.open("rb") as handle:
            data = handle.read()
        attachments.append(
            Attachment(
                name=stored.name,
                data=data,
                content_type=stored.content_type,
                description=stored.get_kind_display(),
            )
        )
    return attachments


def package_build_for(delivery: Delivery) -> Package:
    """The package an issued document makes for one outside recipient."""
    document = delivery.document
    sender = own_organ(document.unit)
    if document.issued_date is None or not document.code_number:
        raise Conflict(_("Only a numbered and issued document can be sent."))
    doc_type = document.doc_type
    others = (
        Delivery.objects.filter(document=document)
        .exclude(pk=delivery.pk)
        .values_list("organ_name", flat=True)
    )
    return Package(
        sender=Organ(
            organ_id=sender.organ_id,
            name=(document.organ_name or sender.name)[:200],
            in_charge=sender.in_charge,
        ),
        recipients=[Organ(organ_id=delivery.organ_id, name=delivery.organ_name)],
        document_id=document_id_format(sender.organ_id, document.issued_date, document.code),
        code_number=document.code_number,
        code_notation=document.code_notation,
        promulgation_date=document.issued_date,
        place=document.place or unit_profile(document.unit).place,
        type=1 if doc_type is not None and doc_type.normative else 2,
        type_detail=doc_type.code if doc_type is not None else "",
        type_name=doc_type.name if doc_type is not None else "",
        subject=document.subject,
        content=document.description,
        signer_competence=document.signing_mode,
        signer_position=document.signer_position,
        signer_name=document.signer_name,
        due_date=document.due_date,
        to_places=[name for name in others if name],
        priority=document.priority,
        promulgation_amount=document.issued_amount,
        page_amount=document.page_amount,
        attachments=_files_for_package(document),
    )


def package_export(delivery_id: int) -> ExchangeMessage | None:
    """Send one outside delivery through the hub (registered in `EXCHANGE_SENDERS`).

    An issued document goes as a package; a recalled one as status 13 to those who got it.
    Internal deliveries are not ours (None); a failure is logged and noted on the delivery (None).
    """
    delivery = (
        Delivery.objects.select_related("document__unit__parent", "document__doc_type")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.unit_id is not None or not delivery.organ_id:
        return None
    try:
        if delivery.document.status == Status.RECALLED:
            return recall_send(delivery)
        return _package_send(delivery)
    except DomainError as exc:
        # Runs after the issuing transaction: keep the reason where the sender sees it.
        log.warning("exchange export of delivery %s failed: %s", delivery_id, exc)
        Delivery.objects.filter(pk=delivery.pk).update(
            status_note=str(exc.message)[:500], status_at=timezone.now()
        )
        return None


def _package_send(delivery: Delivery) -> ExchangeMessage:
    document = delivery.document
    if document.status != Status.ISSUED:
        raise Conflict(_("Only a numbered and issued document can be sent."))
    package = package_build_for(delivery)
    adapter = adapter_get(adapter_for(delivery.organ_id))
    hub = hub_get()
    data = adapter.package_build(package)
    with files_guard(), transaction.atomic():
        message = message_store(
            kind=ExchangeMessage.Kind.PACKAGE,
            way=ExchangeMessage.Way.SENT,
            adapter=adapter,
            data=data,
            document=document,
            from_organ_id=package.sender.organ_id,
            to_organ_id=delivery.organ_id,
            edxml_id=package.document_id,
        )
        Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
        event_add(
            document,
            EventVerb.EXPORTED,
            actor=None,
            note=delivery.organ_name,
            data={"organ_id": delivery.organ_id, "document_id": package.document_id},
        )
        audit_write(
            actor=None,
            action="documents.exchange.export",
            obj=document,
            data={"delivery": delivery.pk, "to": delivery.organ_id, "sha256": message.sha256},
        )
        hub_send(
            hub,
            sender=package.sender.organ_id,
            recipient=delivery.organ_id,
            data=data,
            adapter=adapter,
        )
    return message


# --- Import ----------------------------------------------------------------------------------


def _fields_from(package: Package) -> IncomingFields:
    doc_type = None
    if package.type_detail:
        doc_type = DocumentType.objects.filter(code=package.type_detail).first()
    if doc_type is None and package.type_name:
        doc_type = DocumentType.objects.filter(name__iexact=package.type_name).first()
    return IncomingFields(
        subject=package.subject,
        doc_type_id=doc_type.pk if doc_type is not None else None,
        code_number=package.code_number,
        code_notation=package.code_notation,
        issued_date=package.promulgation_date,
        organ_name=package.sender.name or package.sender.organ_id,
        organ_id=package.sender.organ_id,
        place=package.place,
        signer_position=package.signer_position,
        signer_name=package.signer_name,
        priority=package.priority,
        due_date=package.due_date,
        page_amount=package.page_amount,
        description=package.content,
        extra={"edxml_document_id": package.document_id},
    )


def package_import(
    *, actor: User | None, unit: Unit, data: bytes, adapter: str = DEFAULT_ADAPTER
) -> Document:
    """A package from the hub becomes an incoming document of `unit` (status 01 goes back).

    `actor` is the clerk who imports a file by hand, or None for the hub poller.
    Refuses, with a clear message and nothing stored: malformed or unsafe XML, missing fields,
    a package for another organisation, the same DocumentId twice, oversized or broken files.
    """
    if actor is not None and not holds_role(actor, unit, Role.CLERK):
        raise PermissionDeniedError(_("Only the registry of this unit may receive documents."))
    own = own_organ(unit)
    fmt = adapter_get(adapter)
    package = fmt.package_parse(data)
    if own.organ_id not in {r.organ_id for r in package.recipients}:
        raise ExchangeError(
            _("The package is addressed to %(to)s, not to this unit (%(own)s).")
            % {"to": ", ".join(r.organ_id for r in package.recipients), "own": own.organ_id}
        )
    if package.business_type != BUSINESS_NEW:
        raise ExchangeError(
            _("Packages that update, replace or recall a document are not accepted here.")
        )
    earlier = (
        ExchangeMessage.objects.filter(
            kind=ExchangeMessage.Kind.PACKAGE,
            way=ExchangeMessage.Way.RECEIVED,
            edxml_id=package.document_id[:100],
            to_organ_id=own.organ_id,
            document__isnull=False,
        )
        .select_related("document")
        .first()
    )
    if earlier is not None:
        raise Conflict(
            _("This document (%(id)s) was already received on %(date)s.")
            % {
                "id": package.document_id,
                "date": timezone.localtime(earlier.created_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    main, *rest = package.attachments
    with files_guard(), transaction.atomic():
        document = document_receive(
            actor=actor,
            unit=unit,
            fields=_fields_from(package),
            main=Upload(stream=io.BytesIO(main.data), name=main.name),
            attachments=[Upload(stream=io.BytesIO(a.data), name=a.name) for a in rest],
            source=Source.EXCHANGE,
            arrival_date=timezone.now(),
        )
        message = message_store(
            kind=ExchangeMessage.Kind.PACKAGE,
            way=ExchangeMessage.Way.RECEIVED,
            adapter=fmt,
            data=data,
            document=document,
            from_organ_id=package.sender.organ_id,
            to_organ_id=own.organ_id,
            edxml_id=package.document_id,
        )
        audit_write(
            actor=actor,
            action="documents.exchange.import",
            obj=document,
            data={
                "document_id": package.document_id,
                "from": package.sender.organ_id,
                "sha256": message.sha256,
            },
        )
        delivery_sync(document, "01", note=str(EDXML_STATUS["01"]), actor=actor)
    return document


# --- Polling the hub -------------------------------------------------------------------------


@dataclass
class PollResult:
    """What one poll of the hub took in."""

    packages: list[int] = field(default_factory=list)  # new incoming document ids
    statuses: int = 0
    refused: list[str] = field(default_factory=list)  # "organ_id/key: reason"


def _refusal_send(data: bytes, *, fmt: Adapter, own: str, reason: str) -> None:
    """Status 02 back to the sender of a package we could read but not accept (Art. 21.2.b)."""
    try:
        package = fmt.package_parse(data)
    except DomainError:
        return  # unreadable: nobody to answer
    status = StatusMessage(
        sender=Organ(organ_id=own),
        document_id=package.document_id,
        status_code="02",
        response_organ_id=package.sender.organ_id,
        response_code=package.code,
        response_date=package.promulgation_date,
        description=reason,
        timestamp=timezone.now(),
    )
    try:
        hub_send(
            hub_get(),
            sender=own,
            recipient=package.sender.organ_id,
            data=fmt.status_build(status),
            adapter=fmt,
        )
    except DomainError:
        log.exception("refusal of %s could not be sent", package.document_id)


def hub_poll(*, adapter: str = DEFAULT_ADAPTER) -> PollResult:
    """Take in everything waiting at the hub for each unit with an organisation identifier."""
    result = PollResult()
    hub = hub_get()
    fmt = adapter_get(adapter)
    profiles = UnitProfile.objects.exclude(organ_id="").select_related("unit").order_by("organ_id")
    for profile in profiles:
        for item in hub.waiting(profile.organ_id):
            kind = ""
            try:
                kind = fmt.kind_of(item.data)
                if kind == "status":
                    status_receive(data=item.data, adapter=adapter, organ_id=profile.organ_id)
                    result.statuses += 1
                else:
                    document = package_import(
                        actor=None, unit=profile.unit, data=item.data, adapter=adapter
                    )
                    result.packages.append(document.pk)
            except DomainError as exc:
                reason = str(exc.message)
                result.refused.append(f"{profile.organ_id}/{item.key}: {reason}")
                hub.done(item, ok=False, note=reason)
                if kind == "package":
                    _refusal_send(item.data, fmt=fmt, own=profile.organ_id, reason=reason)
                continue
            hub.done(item, ok=True)
    return result


def exchange_hooks_register() -> None:
    """Plug the exchange into issuing (EXCHANGE_SENDERS) and status changes (STATUS_HOOKS)."""
    from vcnet.documents.services.common import STATUS_HOOKS
    from vcnet.documents.services.delivery import EXCHANGE_SENDERS

    if package_export not in EXCHANGE_SENDERS:
        EXCHANGE_SENDERS.append(package_export)
    if status_send not in STATUS_HOOKS:
        STATUS_HOOKS.append(status_send)


exchange_hooks_register()
