"""Signing API: certificates (GET/POST /certificates, POST /certificates/{id}/revoke).

Only the certificate is ever returned, never its key; the PIN sent to issue one is used to
protect the new key and is not kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from vcnet.core.api_auth import current_user
from vcnet.signing import ca
from vcnet.signing.models import Certificate

router = Router()

State = Literal["active", "expired", "not_yet_valid", "revoked"]


class SignCertificateOut(Schema):
    """A signing certificate as the API shows it (no key material)."""

    id: int
    purpose: Literal["personal", "seal"]
    source: Literal["platform", "pkcs12", "pkcs11", "remote"]
    state: State
    label: str
    common_name: str
    subject: str
    issuer: str
    serial: str
    fingerprint: str = Field(description="SHA-256 of the certificate, lowercase hex.")
    not_before: dt.datetime
    not_after: dt.datetime
    revoked_at: dt.datetime | None
    revocation_reason: str
    owner_id: int | None
    unit_id: int | None
    certificate_pem: str


class CertificateIssueIn(Schema):
    """A new personal certificate from the platform CA for the caller."""

    pin: str = Field(min_length=6, max_length=64, description="The signing PIN for the new key.")
    years: int = Field(2, ge=1, le=5)


class CertificateRevokeIn(Schema):
    """Why the certificate is revoked: a reason code or a few words."""

    reason: str = Field(
        min_length=1,
        max_length=200,
        description=(
            "key_compromise, affiliation_changed, superseded, cessation_of_operation, "
            "optionally followed by ': details'; or free text."
        ),
    )


def _out(certificate: Certificate) -> SignCertificateOut:
    return SignCertificateOut(
        id=certificate.pk,
        purpose=certificate.purpose,  # type: ignore[arg-type]
        source=certificate.source,  # type: ignore[arg-type]
        state=certificate.state,  # type: ignore[arg-type]
        label=certificate.label,
        common_name=certificate.common_name,
        subject=certificate.subject,
        issuer=certificate.issuer,
        serial=certificate.serial,
        fingerprint=certificate.fingerprint,
        not_before=certificate.not_before,
        not_after=certificate.not_after,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
        owner_id=certificate.owner_id,
        unit_id=certificate.unit_id,
        certificate_pem=certificate.certificate_pem,
    )


@router.get(
    "/certificates",
    response=list[SignCertificateOut],
    summary="My signing certificates",
    description="The caller's personal certificates and the seals of the caller's units.",
)
def certificates_list(request: HttpRequest) -> list[SignCertificateOut]:
    rows = ca.certificates_of(current_user(request)).order_by("-created_at")
    return [_out(c) for c in rows[:200]]


@router.post(
    "/certificates",
    response={201: SignCertificateOut},
    summary="Issue me a personal certificate",
    description="The platform CA issues the caller a signing certificate; the key is "
    "protected by the PIN given here (kept nowhere).",
)
def certificates_issue(request: HttpRequest, payload: CertificateIssueIn) -> Status:
    user = current_user(request)
    certificate = ca.certificate_issue_personal(
        actor=user, user=user, pin=payload.pin, years=payload.years, request=request
    )
    return Status(201, _out(certificate))


@router.get(
    "/certificates/{int:certificate_id}",
    response=SignCertificateOut,
    summary="One signing certificate",
)
def certificates_get(request: HttpRequest, certificate_id: int) -> SignCertificateOut:
    return _out(ca.certificate_for_user(current_user(request), certificate_id))


@router.post(
    "/certificates/{int:certificate_id}/revoke",
    response=SignCertificateOut,
    summary="Revoke a certificate",
    description="Staff, the holder of a personal certificate, or an administrator of the "
    "seal's unit.",
)
def certificates_revoke(
    request: HttpRequest, certificate_id: int, payload: CertificateRevokeIn
) -> SignCertificateOut:
    user = current_user(request)
    certificate = ca.certificate_for_user(user, certificate_id)
    return _out(
        ca.certificate_revoke(
            actor=user, certificate=certificate, reason=payload.reason, request=request
        )
    )
