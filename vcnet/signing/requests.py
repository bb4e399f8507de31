"""Two-step (deferred) signatures: the server prepares, the key holder signs, the server embeds.

The server never holds the key of a token in the official's hands or at a remote service:
`signature_request_start` prepares the PDF (`pades.pdf_sign_prepare`) and keeps it in the
private storage with the data to sign; the provider (`vcnet.signing.providers`) gets the
signature value computed where the key is; `signature_request_complete` checks that value
against the certificate's public key, embeds it (`pades.pdf_sign_finish`) and hands the signed
PDF to whoever asked for it (`HANDLERS[request.purpose]`, e.g. "documents.sign").

Lifecycle (one table, `TRANSITIONS`): pending → done | failed | cancelled | expired. A wrong
signature value leaves the request pending so that the agent may try again until it expires.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cryptography import x509 as crypto_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.signing.errors import SigningError
from vcnet.signing.models import Certificate, SignatureRequest, SigningJob
from vcnet.signing.providers import provider_for

if TYPE_CHECKING:
    from vcnet.accounts.models import User

__all__ = [
    "DESCRIBERS",
    "EXPIRES_AFTER",
    "HANDLERS",
    "TRANSITIONS",
    "agent_token_issue",
    "data_to_sign",
    "request_describe",
    "signature_check",
    "signature_request_cancel",
    "signature_request_collect",
    "signature_request_complete",
    "signature_request_for_user",
    "signature_request_refresh",
    "signature_request_start",
    "signature_requests_expire",
    "signature_requests_pending",
]

State = SignatureRequest.State

# How long a prepared signature waits for its value.
EXPIRES_AFTER = dt.timedelta(minutes=15)

# purpose → what to do with the signed PDF: `handler(request, signed_pdf_bytes)`. Runs inside
# the completing transaction: if it raises, nothing of the completion is kept.
Handler = Callable[[SignatureRequest, bytes], Any]
HANDLERS: dict[str, Handler] = {}
# purpose → a sentence saying what is being signed, for the request's page (optional).
DESCRIBERS: dict[str, Callable[[SignatureRequest], str]] = {}

TRANSITIONS: dict[str, frozenset[str]] = {
    State.PENDING: frozenset({State.DONE, State.FAILED, State.CANCELLED, State.EXPIRED}),
    State.DONE: frozenset(),
    State.FAILED: frozenset(),
    State.CANCELLED: frozenset(),
    State.EXPIRED: frozenset(),
}

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_DEFERRED_SOURCES = frozenset({Certificate.Source.PKCS11, Certificate.Source.REMOTE})
_SEAL_ROLES = frozenset({"clerk", "unit_admin"})


def _transition(request: SignatureRequest, target: str) -> None:
    if target not in TRANSITIONS[request.state]:
        raise Conflict(_("This signature request is no longer waiting for a signature."))
    request.state = target


def _may_use(actor: User, certificate: Certificate) -> bool:
    if certificate.purpose == Certificate.Purpose.PERSONAL:
        return certificate.owner_id == actor.pk
    return (
        certificate.unit_id is not None
        and actor.memberships.filter(unit_id=certificate.unit_id, role__in=_SEAL_ROLES).exists()
    )


def signature_request_start(
    *,
    actor: User,
    certificate: Certificate,
    data: bytes,
    purpose: str,
    subject_id: str,
    appearance: Any = None,
    certify: bool = False,
    reason: str = "",
    job: SigningJob | None = None,
    field_name: str | None = None,
) -> SignatureRequest:
    """Prepare `data` for a signature by a key the server does not hold; wait for its value."""
    from vcnet.signing import ca, pades

    if not _may_use(actor, certificate):
        raise PermissionDeniedError(_("You may not sign with this certificate."))
    if certificate.source not in _DEFERRED_SOURCES:
        raise SigningError(_("This certificate signs on the server; no signing request is needed."))
    if purpose not in HANDLERS:
        raise SigningError(_("Nothing is waiting for this kind of signature."))
    ca.certificate_usable(certificate)
    provider = provider_for(certificate)
    prepared = pades.pdf_sign_prepare(
        data,
        certificate_pem=certificate.certificate_pem,
        chain_pem=certificate.chain_pem,
        appearance=appearance,
        certify=certify,
        field_name=field_name,
        reason=reason,
        name=certificate.common_name,
    )
    now = timezone.now()
    with transaction.atomic():
        request = SignatureRequest(
            certificate=certificate,
            requested_by=actor,
            purpose=purpose,
            subject_id=str(subject_id),
            document_digest=prepared.document_digest.hex(),
            digest_algorithm=prepared.digest_algorithm,
            reserved_start=prepared.reserved_start,
            reserved_end=prepared.reserved_end,
            signed_attrs=prepared.signed_attrs,
            secret=secrets.token_urlsafe(32),
            job=job,
            created_at=now,
            expires_at=now + EXPIRES_AFTER,
        )
        request.prepared.save(
            f"{uuid.uuid4().hex}.pdf", ContentFile(prepared.prepared_pdf), save=False
        )
        stored = request.prepared.name
        try:
            request.save()
            audit_write(
                actor=actor,
                action="signing.request_start",
                obj=request,
                data={"purpose": purpose, "subject_id": str(subject_id), "provider": provider.key},
            )
        except BaseException:
            request.prepared.storage.delete(stored)
            raise
    try:
        provider.begin(request)
    except DomainError as exc:
        _fail(request, str(exc.message))
        raise
    return request


def data_to_sign(request: SignatureRequest) -> bytes:
    """What the key signs: the DER of the CMS signed attributes prepared by the server."""
    return bytes(request.signed_attrs)


def signature_check(
    *, certificate_pem: str, data: bytes, signature_value: bytes, digest_algorithm: str
) -> bool:
    """Whether `signature_value` is the certificate key's signature of `data`."""
    public = crypto_x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).public_key()
    hash_cls = _HASHES.get(digest_algorithm.lower())
    if hash_cls is None:
        return False
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature_value, data, padding.PKCS1v15(), hash_cls())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature_value, data, ec.ECDSA(hash_cls()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def _fail(request: SignatureRequest, error: str) -> None:
    with transaction.atomic():
        locked = SignatureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != State.PENDING:
            return
        _transition(locked, State.FAILED)
        locked.error = error[:500]
        locked.completed_at = timezone.now()
        locked.save(update_fields=["state", "error", "completed_at"])
        audit_write(
            actor=None, action="signing.request_fail", obj=locked, data={"error": error[:500]}
        )
        _prepared_discard_on_commit(locked)
    request.state, request.error = locked.state, locked.error


def _prepared_discard_on_commit(request: SignatureRequest) -> None:
    name = request.prepared.name
    if name:
        storage = request.prepared.storage
        transaction.on_commit(lambda: storage.delete(name))


def _expire_if_due(request: SignatureRequest) -> bool:
    if request.state == State.PENDING and request.expires_at <= timezone.now():
        with transaction.atomic():
            locked = SignatureRequest.objects.select_for_update().get(pk=request.pk)
            if locked.state == State.PENDING:
                _transition(locked, State.EXPIRED)
                locked.completed_at = timezone.now()
                locked.save(update_fields=["state", "completed_at"])
                audit_write(actor=None, action="signing.request_expire", obj=locked)
                _prepared_discard_on_commit(locked)
        request.refresh_from_db()
        return True
    return False


def signature_request_complete(
    *, request: SignatureRequest, signature_value: bytes, actor: User | None = None
) -> bytes:
    """Embed the signature value computed by the key holder; hand the signed PDF on."""
    from vcnet.signing import pades

    if _expire_if_due(request):
        raise SigningError(_("The signature request has expired; start the signing again."))
    if request.state != State.PENDING:
        raise Conflict(_("This signature request is no longer waiting for a signature."))
    certificate = request.certificate
    if not signature_check(
        certificate_pem=certificate.certificate_pem,
        data=data_to_sign(request),
        signature_value=signature_value,
        digest_algorithm=request.digest_algorithm,
    ):
        # Stays pending: the agent may have used the wrong key and can try again.
        SignatureRequest.objects.filter(pk=request.pk, state=State.PENDING).update(
            error=str(_("The signature does not match the certificate's key."))
        )
        raise SigningError(
            _(
                "The signature value does not match the certificate's key. Check that the "
                "token holds the key of this certificate, then try again."
            )
        )
    handler = HANDLERS.get(request.purpose)
    if handler is None:
        raise SigningError(_("Nothing is waiting for this kind of signature."))
    with request.prepared.open("rb") as stored:
        prepared_pdf = stored.read()
    prepared = pades.Prepared(
        prepared_pdf=prepared_pdf,
        document_digest=bytes.fromhex(request.document_digest),
        digest_algorithm=request.digest_algorithm,
        reserved_start=request.reserved_start,
        reserved_end=request.reserved_end,
        signed_attrs=bytes(request.signed_attrs),
        data_to_sign=data_to_sign(request),
    )
    signed = pades.pdf_sign_finish(
        prepared,
        certificate_pem=certificate.certificate_pem,
        chain_pem=certificate.chain_pem,
        signature_value=signature_value,
    )
    try:
        with transaction.atomic():
            locked = SignatureRequest.objects.select_for_update().get(pk=request.pk)
            _transition(locked, State.DONE)
            locked.error = ""
            locked.completed_at = timezone.now()
            locked.save(update_fields=["state", "error", "completed_at"])
            audit_write(
                actor=actor or locked.requested_by,
                action="signing.request_complete",
                obj=locked,
                data={"purpose": locked.purpose, "subject_id": locked.subject_id},
            )
            handler(locked, signed)
            _prepared_discard_on_commit(locked)
    except Conflict:
        raise
    except DomainError as exc:
        # The signature is good but what it was for refused it (the document moved on):
        # a retry would fail the same way.
        _fail(request, str(exc.message))
        raise
    request.refresh_from_db()
    return signed


def signature_request_collect(*, request: SignatureRequest) -> bytes | None:
    """Ask the provider for the signature value; complete the request when it has it."""
    if _expire_if_due(request) or request.state != State.PENDING:
        return None
    value = provider_for(request.certificate).collect(request)
    if value is None:
        return None
    return signature_request_complete(request=request, signature_value=value)


def signature_request_refresh(*, request: SignatureRequest) -> SignatureRequest:
    """Bring a request up to date: expire it when overdue, or collect a remote provider's
    signature value."""
    if _expire_if_due(request) or request.state != State.PENDING:
        return request
    if not provider_for(request.certificate).pulls:
        signature_request_collect(request=request)
    return request


def agent_token_issue(*, actor: User, request: SignatureRequest) -> str:
    """A short-lived API access token for the signing agent on the owner's computer.

    It acts for the owner (who alone may sign the request) and ends with the request, so the
    command on the request's page works as it is, without a separate sign-in on the agent.
    """
    from oauth2_provider.models import get_access_token_model

    if request.requested_by_id != actor.pk:
        raise NotFound(_("This signature request does not exist."))
    if _expire_if_due(request) or request.state != State.PENDING:
        raise Conflict(_("This signature request is no longer waiting for a signature."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        access = get_access_token_model().objects.create(
            user=actor,
            application=None,
            token=token,
            expires=request.expires_at,
            scope="read write",
        )
        audit_write(
            actor=actor,
            action="signing.agent_token",
            obj=request,
            data={"access_token_id": access.pk, "expires": request.expires_at.isoformat()},
        )
    return token


def request_describe(request: SignatureRequest) -> str:
    """What the request signs, in a sentence for its page."""
    describe = DESCRIBERS.get(request.purpose)
    if describe is not None:
        return describe(request)
    return str(
        _("Signature for %(purpose)s %(subject)s")
        % {"purpose": request.purpose, "subject": request.subject_id}
    )


def signature_request_cancel(*, actor: User, request: SignatureRequest) -> SignatureRequest:
    """Give up a pending signature request (only the person who started it)."""
    if request.requested_by_id != actor.pk:
        raise NotFound(_("This signature request does not exist."))
    with transaction.atomic():
        locked = SignatureRequest.objects.select_for_update().get(pk=request.pk)
        _transition(locked, State.CANCELLED)
        locked.completed_at = timezone.now()
        locked.save(update_fields=["state", "completed_at"])
        audit_write(actor=actor, action="signing.request_cancel", obj=locked)
        _prepared_discard_on_commit(locked)
    request.refresh_from_db()
    return request


def signature_requests_expire() -> int:
    """Mark every pending request past its time as expired; returns how many."""
    due = SignatureRequest.objects.filter(state=State.PENDING, expires_at__lte=timezone.now())
    count = 0
    for request in due:
        if _expire_if_due(request):
            count += 1
    return count


def signature_request_for_user(
    user: Any, request_id: int | str, *, secret: str | None = None
) -> SignatureRequest:
    """The request `request_id` if `user` started it (and `secret` matches when given); 404
    otherwise, so that nobody learns that someone else's request exists."""
    not_found = NotFound(_("This signature request does not exist."))
    if user is None or not getattr(user, "is_authenticated", False):
        raise not_found
    try:
        request = SignatureRequest.objects.select_related("certificate", "requested_by").get(
            pk=int(request_id)
        )
    except (SignatureRequest.DoesNotExist, ValueError, TypeError):
        raise not_found from None
    if request.requested_by_id != user.pk:
        raise not_found
    if secret is not None and not secrets.compare_digest(request.secret, secret):
        raise not_found
    return request


def signature_requests_pending(user: Any) -> QuerySet[SignatureRequest]:
    """The user's requests still waiting for a signature (overdue ones are marked expired)."""
    overdue = SignatureRequest.objects.filter(
        requested_by=user, state=State.PENDING, expires_at__lte=timezone.now()
    )
    for request in overdue:
        _expire_if_due(request)
    return SignatureRequest.objects.filter(requested_by=user, state=State.PENDING).select_related(
        "certificate"
    )


def b64(data: bytes) -> str:
    """Standard base64 text of `data` (what the API sends)."""
    return base64.b64encode(data).decode("ascii")
