"""Errors of the signing app: each carries a message the user can act on."""

from __future__ import annotations

from vcnet.core.errors import DomainError


class SigningError(DomainError):
    """Signing could not be done (wrong PIN, unusable certificate, unreadable PDF...)."""

    code = "signing_failed"


class WrongPin(SigningError):
    """The PIN or password does not unlock the key."""

    code = "wrong_pin"


class CertificateUnusable(SigningError):
    """The certificate is expired, revoked, not yet valid or lacks the signing key usage."""

    code = "certificate_unusable"


class BadPdf(SigningError):
    """The file is not a PDF that can be signed or validated (malformed, truncated, encrypted)."""

    code = "bad_pdf"
