"""Reading certificates: parsing PEM or DER, and whether one can sign now (and why not)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.core.errors import DomainError
from vcnet.signing.errors import CertificateUnusable
from vcnet.signing.models import Certificate

__all__ = ["certificate_parse", "certificate_usable"]


def certificate_parse(data: bytes | str) -> x509.Certificate:
    """A certificate from PEM or DER; DomainError when it is neither."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    try:
        if b"-----BEGIN CERTIFICATE-----" in raw:
            return x509.load_pem_x509_certificate(raw)
        return x509.load_der_x509_certificate(raw)
    except ValueError:
        raise DomainError(
            _("The file is not an X.509 certificate (PEM or DER)."), code="bad_certificate"
        ) from None


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def _key_usage_problem(cert: x509.Certificate) -> str | None:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        # RFC 5280: no key usage extension means no restriction.
        return None
    if not (usage.digital_signature or usage.content_commitment):
        return str(
            _(
                "The certificate may not be used for signatures: its key usage has neither "
                "digital signature nor non-repudiation."
            )
        )
    return None


def _validity_problem(cert: x509.Certificate, now: dt.datetime | None = None) -> str | None:
    now = now or timezone.now()
    if now > cert.not_valid_after_utc:
        return str(_("The certificate expired on %(date)s.")) % {
            "date": timezone.localtime(cert.not_valid_after_utc).strftime("%d/%m/%Y")
        }
    if now < cert.not_valid_before_utc:
        return str(_("The certificate is not valid before %(date)s.")) % {
            "date": timezone.localtime(cert.not_valid_before_utc).strftime("%d/%m/%Y")
        }
    return None


def _check_signing_cert(cert: x509.Certificate) -> None:
    problem = _validity_problem(cert) or _key_usage_problem(cert)
    if problem:
        raise CertificateUnusable(problem)
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        basic = None
    if basic is not None and basic.ca:
        raise CertificateUnusable(
            _("This is a certificate authority's certificate, not a signer's.")
        )


def certificate_usable(certificate: Certificate) -> None:
    """Raise CertificateUnusable (saying why) unless the certificate can sign now."""
    if certificate.status == Certificate.Status.REVOKED:
        raise CertificateUnusable(
            _("The certificate was revoked on %(date)s.")
            % {
                "date": timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y")
                if certificate.revoked_at
                else "?"
            }
        )
    cert = x509.load_pem_x509_certificate(certificate.certificate_pem.encode("ascii"))
    problem = _validity_problem(cert) or _key_usage_problem(cert)
    if problem:
        raise CertificateUnusable(problem)
