"""The registry's part of a digitally signed document (Decree 30 Art. 15-16, 25-27, App. I).

`number_write` (a `NUMBER_HOOK`) writes the number and date into the fields the leader's
certification left open; `seal_apply` (a `SEAL_HOOK`, inside `document_issue`) applies the unit's
seal signature over the leader's signature, and the seal with a text stamp on each attachment in
a separate file; `document_copy_make` makes an electronic copy (sao y, sao lục).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Role, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.models import (
    Direction,
    Document,
    DocumentFile,
    EventVerb,
    FileKind,
    Status,
)
from vcnet.documents.services.common import event_add, file_store, files_guard, index_on_commit
from vcnet.documents.services.signing_files import (
    NUMBER_FIELD,
    SEAL_FIELD,
    SEAL_REASON,
    current_file,
    field_names,
    file_bytes,
    file_name,
    image_bytes,
    is_pdf,
)

if TYPE_CHECKING:
    from vcnet.accounts.models import Unit
    from vcnet.signing.appearances import Appearance

__all__ = ["COPY_TYPES", "date_text", "document_copy_make", "number_write", "seal_apply"]

# Electronic copies (Decree 30 Art. 25): copy type → the words of the stamp.
COPY_TYPES: dict[str, str] = {"sao_y": "SAO Y", "sao_luc": "SAO LỤC"}


# --- The number and date, the seal -----------------------------------------------------------


def number_write(document: Document, actor: User) -> None:
    """NUMBER_HOOK: write the number and date into the fields of the signed PDF (a form-filling
    incremental update that the leader's certification allows), as a new signed version."""
    signed_file = current_file(document, FileKind.SIGNED)
    if signed_file is None or not is_pdf(signed_file):
        return
    data = file_bytes(signed_file)
    if NUMBER_FIELD not in field_names(data):
        return
    from vcnet.signing import appearances

    day = document.issued_date or timezone.localdate()
    party = "/" in document.code_notation
    filled = appearances.number_fields_fill(
        data,
        number_text=f"Số {document.code}" if party else f"Số: {document.code}",
        # The filled date covers the printed line: keep its place when the record has none.
        date_text=date_text(document.place or appearances.date_line_place(data), day),
    )
    file_store(
        document,
        upload=io.BytesIO(filled),
        name=file_name(document, ""),
        kind=FileKind.SIGNED,
        actor=actor,
        note=_("Number and date written in"),
        require_pdf=True,
    )


def date_text(place: str, day: dt.date) -> str:
    """`Hà Nội, ngày 03 tháng 02 năm 2026`: days and months below 10 (months 1-2) with a
    leading zero, as Decree 30 Appendix I writes the date line."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    written = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {written}" if place else written


def _seal_missing(unit: Unit) -> DomainError:
    return DomainError(
        _(
            "%(unit)s has no seal certificate, so the document cannot carry the organisation's "
            "digital signature. Ask the unit's administrator to issue one at %(url)s."
        )
        % {"unit": unit.name, "url": "/signing/"}
    )


def _leader_signature_require(data: bytes) -> None:
    """A seal goes only over a valid signature of the competent person (Appendix I II.8)."""
    from vcnet.signing import validation

    report = validation.pdf_validate(data)
    signatures = report.get("signatures", [])
    if not signatures:
        raise DomainError(
            _(
                "The signed file carries no digital signature of the competent person, so the "
                "seal cannot be applied. The signer must sign it digitally first."
            )
        )
    if not any(s.get("valid") and s.get("intact") for s in signatures):
        reasons = "; ".join(str(r) for s in signatures for r in s.get("reasons", []))[:300]
        raise DomainError(
            _(
                "The signature of the competent person on the signed file is not valid, so the "
                "seal cannot be applied: %(reasons)s"
            )
            % {"reasons": reasons or report.get("summary", "")}
        )


def _seal_appearance(unit: Unit) -> Appearance | None:
    """The unit's red seal at true size over the left third of the leader's signature (the
    last visible signature of the PDF; located by `appearances`)."""
    from vcnet.signing import appearances

    image = appearances.signature_image_current(unit=unit, kind="seal")
    if image is None:
        return None
    return appearances.Appearance(
        kind="seal",
        image=image_bytes(image),
        image_width_mm=float(image.width_mm),
        image_height_mm=float(image.height_mm),
    )


def _text_appearance(lines: tuple[str, ...]) -> Appearance:
    """A text stamp at the top right of page 1 (attachments, electronic copies)."""
    from vcnet.signing import appearances

    return appearances.Appearance(kind="text", text_lines=lines)


def seal_apply(document: Document, actor: User) -> None:
    """SEAL_HOOK (inside `document_issue`): the unit's seal signature over the numbered signed
    file, and the seal with a text stamp on each PDF attachment in a separate file."""
    from vcnet.signing import ca

    unit = document.unit
    certificate = ca.seal_certificate(unit)
    if certificate is None:
        if settings.SIGNING_ISSUE_WITHOUT_SEAL:
            return
        raise _seal_missing(unit)
    from vcnet.signing import appearances, pades, signers

    signed_file = current_file(document, FileKind.SIGNED)
    if signed_file is None or not is_pdf(signed_file):
        raise DomainError(
            _(
                "This document has no signed PDF: the competent person must sign it before the "
                "seal is applied."
            )
        )
    data = file_bytes(signed_file)
    _leader_signature_require(data)
    now = timezone.now()
    stamp = appearances.text_stamp_lines(
        parent_code=document.code or None, copy_type=None, organisation=unit.name, signed_at=now
    )
    attachments = [
        f
        for f in DocumentFile.objects.filter(
            document=document, kind=FileKind.ATTACHMENT, current=True
        ).order_by("slot")
        if is_pdf(f)
    ]
    with signers.signer_open(certificate) as signer:
        appearance = _seal_appearance(unit)
        prepared = appearance is not None and SEAL_FIELD in field_names(data)
        sealed = pades.pdf_sign(
            data,
            signer=signer,
            appearance=appearance,
            field_name=SEAL_FIELD if prepared else None,
            reason=SEAL_REASON,
            name=unit.name,
        )
        stored = file_store(
            document,
            upload=io.BytesIO(sealed),
            name=file_name(document, ""),
            kind=FileKind.SIGNED,
            actor=actor,
            note=_("Seal of %(unit)s") % {"unit": unit.name},
            require_pdf=True,
        )
        stamped: list[int] = []
        for attachment in attachments:
            original = file_bytes(attachment)
            result = pades.pdf_sign(
                original,
                signer=signer,
                appearance=_text_appearance(stamp),
                reason=SEAL_REASON,
                name=unit.name,
            )
            stamped.append(
                file_store(
                    document,
                    upload=io.BytesIO(result),
                    name=attachment.name,
                    kind=FileKind.ATTACHMENT,
                    slot=attachment.slot,
                    actor=actor,
                    note=_("Seal of %(unit)s") % {"unit": unit.name},
                    require_pdf=True,
                ).pk
            )
    event_add(
        document,
        EventVerb.SEALED,
        actor=actor,
        data={"file": stored.pk, "attachments": stamped, "certificate": certificate.pk},
    )
    audit_write(
        actor=actor,
        action="document.seal",
        obj=document,
        data={"sha256": stored.sha256, "certificate": certificate.pk, "attachments": stamped},
    )


# --- Electronic copies -----------------------------------------------------------------------


def _copy_source(document: Document) -> DocumentFile:
    if document.direction == Direction.OUTGOING:
        if document.status != Status.ISSUED:
            raise Conflict(_("Only an issued document can be copied."))
        source = current_file(document, FileKind.SIGNED) or current_file(document, FileKind.MAIN)
    else:
        if document.status in (Status.RETURNED, Status.RECALLED):
            raise Conflict(_("A returned or recalled document cannot be copied."))
        source = current_file(document, FileKind.MAIN)
    if source is None or not is_pdf(source):
        raise DomainError(_("Only a document whose file is a PDF can be copied electronically."))
    return source


def _copy_base(data: bytes) -> bytes:
    """A new PDF that looks like the original (its signature image, seal, number and date
    drawn into the pages) without the original's signatures and form: the copy is certified
    by the copying unit's seal, not by carrying signatures over (Decree 30 Art. 25-26)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf.flatten_annotations(mode="print")
            for key in ("/AcroForm", "/Perms", "/DSS"):
                if key in pdf.Root:
                    del pdf.Root[key]
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except pikepdf.PdfError as exc:
        raise DomainError(_("The document's PDF cannot be read, so it cannot be copied.")) from exc


def document_copy_make(
    *,
    actor: User,
    document: Document,
    copy_type: str = "sao_y",
    request: HttpRequest | None = None,
) -> DocumentFile:
    """The registry makes an electronic copy (sao y, sao lục) of an issued or received document:
    the file signed with the unit's seal and a text stamp (copy type, organisation, time) at
    the top right of page 1 (Decree 30 Art. 25-27, Appendix I)."""
    from vcnet.signing import appearances, ca, pades, signers

    if copy_type not in COPY_TYPES:
        raise DomainError(_("Unknown kind of copy."))
    with files_guard(), transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=document.pk)
        )
        if not holds_clerk(actor, document):
            raise PermissionDeniedError(_("Only the registry of the unit may make copies."))
        source = _copy_source(document)
        unit = document.unit
        certificate = ca.seal_certificate(unit)
        if certificate is None:
            raise _seal_missing(unit)
        data = _copy_base(file_bytes(source))
        lines = appearances.text_stamp_lines(
            parent_code=None,
            copy_type=COPY_TYPES[copy_type],
            organisation=unit.name,
            signed_at=timezone.now(),
        )
        with signers.signer_open(certificate) as signer:
            copied = pades.pdf_sign(
                data,
                signer=signer,
                appearance=_text_appearance(lines),
                reason=COPY_TYPES[copy_type],
                name=unit.name,
            )
        stored = file_store(
            document,
            upload=io.BytesIO(copied),
            name=file_name(document, f"-{copy_type.replace('_', '-')}"),
            kind=FileKind.COPY,
            actor=actor,
            note=COPY_TYPES[copy_type],
            require_pdf=True,
        )
        event_add(
            document,
            EventVerb.COPIED,
            actor=actor,
            note=COPY_TYPES[copy_type],
            data={"file": stored.pk, "source": source.pk},
        )
        audit_write(
            actor=actor,
            action="document.copy_make",
            obj=document,
            data={"file": stored.pk, "copy_type": copy_type, "sha256": stored.sha256},
            request=request,
        )
        index_on_commit(document)
    return stored


def holds_clerk(user: User, document: Document) -> bool:
    """Whether `user` is in the registry (a clerk) of the unit holding this copy."""
    from vcnet.documents.access import holds_role

    return holds_role(user, document.unit_id, Role.CLERK)
