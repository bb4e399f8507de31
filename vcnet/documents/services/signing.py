"""Digital signatures in the outgoing workflow (Decree 30 Art. 13-16, Appendix I).

The signer signs in the browser with a personal certificate and PIN (`document_sign`, or many
documents with one PIN: `document_sign_batch`), or with a token in hand or a remote service
(`document_sign_start`, a two-step `SignatureRequest` whose handler finishes it); every way
ends in `issuing.signed_accept`, like an uploaded signed PDF. Before the leader signs, the
main PDF gets two empty form fields for the number and the date; the leader's signature is a
certification that allows filling them in. The registry's numbering fills them
(`NUMBER_HOOKS`), issuing applies the unit's seal signature over the leader's signature and a
text stamp on attachments in separate files (`SEAL_HOOKS`). `document_copy_make` makes an
electronic copy (sao y) signed with the seal.

`hooks_register()` (called from the app's `ready()`) plugs this module into the outgoing
services and the signing requests.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.documents.models import Document, DocumentFile, FileKind, Status
from vcnet.documents.services import outgoing_checks as checks
from vcnet.documents.services.common import files_guard
from vcnet.documents.services.issuing import sign_allowed, signed_accept
from vcnet.documents.services.sealing import COPY_TYPES, document_copy_make
from vcnet.documents.services.signing_files import (
    NUMBER_FIELD,
    SEAL_FIELD,
    SIGN_REASON,
    as_upload,
    current_file,
    field_names,
    file_bytes,
    file_name,
    image_bytes,
    is_pdf,
)
from vcnet.signing.models import Certificate, SignatureRequest, SigningJob

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

    from vcnet.signing.appearances import Appearance

__all__ = [
    "COPY_TYPES",
    "DEFERRED_SOURCES",
    "PIN_SOURCES",
    "SEAL_PURPOSE",
    "SIGN_PURPOSE",
    "document_copy_make",
    "document_sign",
    "document_sign_batch",
    "document_sign_start",
    "hooks_register",
    "signature_hint",
    "signing_job_abandon",
    "signing_job_create",
]

log = logging.getLogger(__name__)

SIGN_PURPOSE = "documents.sign"
SEAL_PURPOSE = "documents.seal"
# Sources whose key is used on the server with a PIN; the others sign through a request.
PIN_SOURCES = (
    Certificate.Source.PLATFORM,
    Certificate.Source.PKCS12,
    Certificate.Source.PKCS11,
)
DEFERRED_SOURCES = (Certificate.Source.PKCS11, Certificate.Source.REMOTE)
BATCH_LIMIT = 50


def _main_pdf(document: Document) -> bytes:
    main = current_file(document, FileKind.MAIN)
    if main is None:
        raise DomainError(_("This document has no main file to sign."))
    if not is_pdf(main):
        raise DomainError(
            _("The main file is not a PDF: the drafter must upload a PDF version before signing.")
        )
    return file_bytes(main)


def _seal_field_add(data: bytes, page: int, box: tuple[float, float, float, float]) -> bytes:
    """An empty signature field where the seal will go. Created before the leader's
    certification signature, so that filling it later is allowed: a visible signature field
    added after a certification is a change DocMDP forbids."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    append_signature_field(
        writer,
        SigFieldSpec(
            sig_field_name=SEAL_FIELD,
            on_page=page,
            box=tuple(round(v) for v in box),  # type: ignore[arg-type]
        ),
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _prepared(actor: User, document: Document) -> tuple[bytes, Appearance | None]:
    """The main PDF as the leader signs it, and their signature's appearance: with the empty
    number and date fields, and the empty field of the unit's seal over the left third of
    where the signature goes (Decree 30 Appendix I)."""
    from vcnet.signing import appearances

    data = _main_pdf(document)
    names = field_names(data)
    if NUMBER_FIELD not in names:
        data = appearances.number_fields_prepare(data)
    signature = _signature_appearance(actor, document)
    seal = appearances.signature_image_current(unit=document.unit, kind="seal")
    if seal is None or SEAL_FIELD in names:
        return data, signature
    page, box = appearances.signature_place(
        data,
        kind="signature",
        signer_name=document.signer_name or actor.full_name,
        position_line=document.signer_position or checks.signer_title(actor, document.unit_id),
        width_mm=signature.image_width_mm if signature else None,
        height_mm=signature.image_height_mm if signature else None,
    )
    if signature is not None:  # placed exactly where the seal's field expects it
        signature = dataclasses.replace(signature, page=page, box=box)
    seal_page, seal_box = appearances.signature_place(
        data,
        kind="seal",
        seal_over=box,
        page=page,
        width_mm=float(seal.width_mm),
        height_mm=float(seal.height_mm),
    )
    return _seal_field_add(data, seal_page, seal_box), signature


# --- The signer's signature ------------------------------------------------------------------


def _personal_certificate(actor: User, certificate: Certificate) -> Certificate:
    """The certificate as stored now (a revocation since the page was shown counts)."""
    fresh = Certificate.objects.filter(pk=certificate.pk).first()
    if fresh is None or fresh.purpose != Certificate.Purpose.PERSONAL or fresh.owner_id != actor.pk:
        raise PermissionDeniedError(_("You may sign only with your own personal certificate."))
    return fresh


def signature_hint(actor: User) -> str:
    """What the sign page says when the signer has no signature image (an invisible signature)."""
    from vcnet.signing import appearances

    if appearances.signature_image_current(owner=actor, kind="signature") is not None:
        return ""
    return _(
        "You have no signature image: the signature will be invisible on the page. Upload "
        "your handwritten signature (a transparent PNG) under Digital signatures."
    )


def _signature_appearance(actor: User, document: Document) -> Appearance | None:
    """The signer's signature image, centred between the position line and the name (Appendix
    I, located in the PDF's text); None (an invisible signature) when the signer has not
    uploaded one."""
    from vcnet.signing import appearances

    image = appearances.signature_image_current(owner=actor, kind="signature")
    if image is None:
        return None
    return appearances.Appearance(
        kind="signature",
        image=image_bytes(image),
        image_width_mm=float(image.width_mm),
        image_height_mm=float(image.height_mm),
        signer_name=document.signer_name or actor.full_name,
        position_line=document.signer_position or checks.signer_title(actor, document.unit_id),
    )


def _sign_with(
    *,
    actor: User,
    document: Document,
    signer: Signer,
    method: str,
    request: HttpRequest | None,
    **pades_args: Any,
) -> DocumentFile:
    """Sign one document with an opened signer and move it on; one transaction."""
    from vcnet.signing import pades

    with files_guard(), transaction.atomic():
        document = checks.locked(document)
        sign_allowed(actor, document)
        data, appearance = _prepared(actor, document)
        signed = pades.pdf_sign(
            data,
            signer=signer,
            appearance=appearance,
            certify=True,
            reason=SIGN_REASON,
            name=actor.full_name,
            **pades_args,
        )
        return signed_accept(
            actor=actor,
            document=document,
            signed=as_upload(signed, file_name(document, "-ky-so")),
            method=method,
            request=request,
        )


def document_sign(
    *,
    actor: User,
    document: Document,
    certificate: Certificate,
    pin: str,
    request: HttpRequest | None = None,
) -> DocumentFile:
    """The signer signs with their certificate and PIN: a certification signature (form filling
    allowed, for the number and date) with their signature image; TO_SIGN → TO_ISSUE.

    A wrong PIN, an expired or revoked certificate leave the document as it was."""
    from vcnet.signing import signers

    certificate = _personal_certificate(actor, certificate)
    with signers.signer_open(certificate, pin=pin) as signer:
        return _sign_with(
            actor=actor,
            document=document,
            signer=signer,
            method=str(certificate.source),
            request=request,
        )


def signing_job_create(*, actor: User, documents: list[Document]) -> SigningJob:
    """A batch of documents to sign with one PIN: the job row whose progress the page shows."""
    if not documents:
        raise DomainError(_("Choose the documents to sign."))
    if len(documents) > BATCH_LIMIT:
        raise DomainError(_("Sign at most %(n)d documents at a time.") % {"n": BATCH_LIMIT})
    for document in documents:
        if document.signer_id != actor.pk or document.status != Status.TO_SIGN:
            raise PermissionDeniedError(
                _("Only documents waiting for your signature can be signed here.")
            )
    job = SigningJob.objects.create(
        user=actor,
        total=len(documents),
        items=[
            {"id": d.pk, "subject": d.subject[:200], "state": "waiting", "error": ""}
            for d in documents
        ],
    )
    audit_write(actor=actor, action="signing.job_create", obj=job, data={"total": job.total})
    return job


def _job_item(job: SigningJob, document_id: int, state: str, error: str = "") -> None:
    for item in job.items:
        if item["id"] == document_id:
            item["state"] = state
            item["error"] = error
    if state == "signed":
        job.done += 1
    elif state == "failed":
        job.failed += 1
    job.save(update_fields=["items", "done", "failed"])


def _job_finish(job: SigningJob, *, state: str) -> None:
    job.state = state
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "finished_at"])


def document_sign_batch(
    *,
    actor: User,
    documents: list[Document],
    certificate: Certificate,
    pin: str,
    job: SigningJob,
    request: HttpRequest | None = None,
) -> SigningJob:
    """Sign `documents` one after another with one PIN entry, recording each result on `job`.

    The key is unlocked once and kept in this process only (never in a task queue); each
    document is its own transaction, so one that fails does not undo the others. Run it
    outside any transaction: the page reads the job's progress while it runs."""
    from vcnet.signing import ca, signers

    if job.user_id != actor.pk:
        raise NotFound(_("Signing job not found."))
    if job.state != SigningJob.State.RUNNING or job.done or job.failed:
        raise Conflict(_("This batch has already been signed."))
    wanted = {item["id"] for item in job.items}
    documents = [d for d in documents if d.pk in wanted]
    try:
        certificate = _personal_certificate(actor, certificate)
        with signers.signer_open(certificate, pin=pin) as signer:
            shared = {"timestamper": ca.timestamper(), "validation_context": _context()}
            for document in documents:
                try:
                    _sign_with(
                        actor=actor,
                        document=document,
                        signer=signer,
                        method=str(certificate.source),
                        request=request,
                        **shared,
                    )
                except DomainError as exc:
                    _job_item(job, document.pk, "failed", str(exc.message))
                except Exception:
                    log.exception("batch signing failed for document %s", document.pk)
                    _job_item(job, document.pk, "failed", _("This document could not be signed."))
                else:
                    _job_item(job, document.pk, "signed")
    except DomainError as exc:  # the PIN or the certificate: nothing (more) was signed
        signing_job_abandon(job=job, error=str(exc.message))
        raise
    missing = [item for item in job.items if item["state"] == "waiting"]
    for item in missing:  # not among `documents` (deleted meanwhile)
        _job_item(job, item["id"], "failed", _("This document could not be signed."))
    _job_finish(job, state=SigningJob.State.DONE if job.done else SigningJob.State.FAILED)
    audit_write(
        actor=actor,
        action="signing.job_done",
        obj=job,
        data={"done": job.done, "failed": job.failed},
        request=request,
    )
    return job


def signing_job_abandon(*, job: SigningJob, error: str) -> SigningJob:
    """A batch that cannot start (no PIN given): its documents are marked not signed."""
    if job.state != SigningJob.State.RUNNING:
        return job
    for item in job.items:
        if item["state"] == "waiting":
            item["state"], item["error"] = "failed", error
    job.failed = sum(1 for item in job.items if item["state"] == "failed")
    job.save(update_fields=["items", "failed"])
    _job_finish(job, state=SigningJob.State.FAILED)
    return job


def _context() -> Any:
    from vcnet.signing import ca

    if settings.SIGNING_LEVEL in ("B-B", "B-T"):
        return None
    return ca.validation_context()


# --- Two-step signing (a token in hand, a remote service) ------------------------------------


def document_sign_start(
    *,
    actor: User,
    document: Document,
    certificate: Certificate,
    request: HttpRequest | None = None,
) -> SignatureRequest:
    """Prepare the signer's signature for a key the server does not hold (the USB token through
    the VCNET signing agent, a remote service); the request's handler finishes like
    `document_sign` when the signature value arrives."""
    from vcnet.signing import requests

    certificate = _personal_certificate(actor, certificate)
    if certificate.source not in DEFERRED_SOURCES:
        raise DomainError(_("This certificate signs on the server: sign it with your PIN."))
    with transaction.atomic():
        document = checks.locked(document)
        sign_allowed(actor, document)
        data, appearance = _prepared(actor, document)
        started = requests.signature_request_start(
            actor=actor,
            certificate=certificate,
            data=data,
            purpose=SIGN_PURPOSE,
            subject_id=str(document.pk),
            appearance=appearance,
            certify=True,
            reason=SIGN_REASON,
        )
        audit_write(
            actor=actor,
            action="document.sign_start",
            obj=document,
            data={"request": started.pk, "certificate": certificate.pk},
            request=request,
        )
    return started


def _sign_request_done(sig_request: SignatureRequest, signed: bytes) -> None:
    """HANDLERS["documents.sign"]: the token's signature arrived; store it and move on."""
    actor = sig_request.requested_by
    document = Document.objects.filter(pk=int(sig_request.subject_id or 0)).first()
    if document is None:
        raise NotFound(_("The document of this signature no longer exists."))
    with files_guard(), transaction.atomic():
        document = checks.locked(document)
        sign_allowed(actor, document)
        main = current_file(document, FileKind.MAIN)
        if main is None or main.created_at > sig_request.created_at:
            raise Conflict(_("The draft changed after the signature was prepared; sign it again."))
        signed_accept(
            actor=actor,
            document=document,
            signed=as_upload(signed, file_name(document, "-ky-so")),
            method=f"request:{sig_request.certificate.source}",
        )


def _seal_request_done(sig_request: SignatureRequest, signed: bytes) -> None:
    """HANDLERS["documents.seal"]: a seal held by a remote service is not used for issuing
    (issuing is one step); the request is refused with a clear message."""
    raise DomainError(
        _("The seal signature is applied when the registry issues the document, on the server.")
    )


# --- Wiring ----------------------------------------------------------------------------------


def hooks_register() -> None:
    """Plug the number, the seal and the signing-request handlers into their services (once)."""
    from vcnet.documents.services.outgoing import NUMBER_HOOKS, SEAL_HOOKS
    from vcnet.documents.services.sealing import number_write, seal_apply
    from vcnet.signing.requests import HANDLERS

    if number_write not in NUMBER_HOOKS:
        NUMBER_HOOKS.append(number_write)
    if seal_apply not in SEAL_HOOKS:
        SEAL_HOOKS.append(seal_apply)
    HANDLERS[SIGN_PURPOSE] = _sign_request_done
    HANDLERS[SEAL_PURPOSE] = _seal_request_done
