"""The roots VCNET trusts besides the platform's own: national roots added by staff."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.signing.access import _is_staff
from vcnet.signing.authority import fingerprint
from vcnet.signing.certificates import _common_name, _pem, certificate_parse
from vcnet.signing.models import TrustedRoot

__all__ = ["trusted_root_add", "trusted_root_check", "trusted_root_set_active"]


def trusted_root_check(certificate_pem: str | bytes) -> x509.Certificate:
    """The certificate if it can be a trusted root (a CA, not expired, not listed yet)."""
    cert = certificate_parse(certificate_pem)
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        basic = None
    if basic is None or not basic.ca:
        raise DomainError(
            _("This is not a certificate authority's certificate."), code="bad_certificate"
        )
    if timezone.now() > cert.not_valid_after_utc:
        raise DomainError(_("This root certificate has expired."), code="bad_certificate")
    if TrustedRoot.objects.filter(fingerprint=fingerprint(cert)).exists():
        raise Conflict(_("This root is already in the list."))
    return cert


def trusted_root_add(
    *,
    actor: Any,
    certificate_pem: str | bytes,
    name: str,
    note: str = "",
    request: Any = None,
) -> TrustedRoot:
    """Trust another root CA (a national root) when validating signatures; staff only."""
    if actor is not None and not _is_staff(actor):
        raise PermissionDeniedError(_("Only administrators may change the trusted roots."))
    cert = trusted_root_check(certificate_pem)
    fp = fingerprint(cert)
    name = (name or "").strip() or _common_name(cert.subject)
    with transaction.atomic():
        root = TrustedRoot.objects.create(
            name=name[:200],
            certificate_pem=_pem(cert),
            fingerprint=fp,
            subject=cert.subject.rfc4514_string()[:500],
            not_after=cert.not_valid_after_utc,
            note=note[:300],
            created_by=actor,
        )
        audit_write(
            actor=actor,
            action="signing.trusted_root_add",
            obj=root,
            data={"fingerprint": fp},
            request=request,
        )
    return root


def trusted_root_set_active(
    *, actor: Any, root: TrustedRoot, active: bool, request: Any = None
) -> TrustedRoot:
    """Trust a root again, or stop trusting it; staff only."""
    if actor is not None and not _is_staff(actor):
        raise PermissionDeniedError(_("Only administrators may change the trusted roots."))
    with transaction.atomic():
        root.active = active
        root.save(update_fields=["active"])
        audit_write(
            actor=actor,
            action="signing.trusted_root_trust" if active else "signing.trusted_root_distrust",
            obj=root,
            request=request,
        )
    return root
