"""Signing certificates: issued by the platform CA, imported from PKCS#12, or registered for a
token or remote service; revoking them.

Re-exported here, so callers use one module (`ca.<function>`): the platform CA itself
(`authority.py`), what it answers (CRL, OCSP, timestamps, validation context: `responders.py`),
who may see and use which certificate (`access.py`), reading certificates (`certificates.py`)
and the trusted roots (`trust.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.signing.access import (
    _is_staff,
    can_issue_seal,
    can_manage_certificate,
    certificate_for_user,
    certificates_for_signing,
    certificates_of,
    certificates_visible,
    seal_certificate,
)
from vcnet.signing.authority import (
    authority_cert,
    authority_current,
    authority_find,
    authority_init,
    authority_key,
    authority_material,
    ca_url,
    certificate_build,
    fingerprint,
    name_build,
)
from vcnet.signing.certificates import (
    _check_signing_cert,
    _common_name,
    _pem,
    certificate_parse,
    certificate_usable,
)
from vcnet.signing.errors import SigningError, WrongPin
from vcnet.signing.keys import key_encrypt, key_generate, pin_validate
from vcnet.signing.models import Authority, Certificate
from vcnet.signing.responders import (
    REVOCATION_REASON_FLAGS,
    crl_der,
    ocsp_response,
    platform_timestamper,
    timestamper,
    trust_roots,
    tsa_response,
    validation_context,
)
from vcnet.signing.trust import trusted_root_add, trusted_root_check, trusted_root_set_active

__all__ = [
    "REVOCATION_REASON_FLAGS",
    "authority_current",
    "authority_init",
    "authority_material",
    "ca_url",
    "can_issue_seal",
    "can_manage_certificate",
    "certificate_for_user",
    "certificate_import_pkcs12",
    "certificate_issue_csr",
    "certificate_issue_personal",
    "certificate_issue_seal",
    "certificate_parse",
    "certificate_register_external",
    "certificate_revoke",
    "certificate_usable",
    "certificates_for_signing",
    "certificates_of",
    "certificates_visible",
    "crl_der",
    "is_certificate_request",
    "ocsp_response",
    "platform_root_pem",
    "platform_timestamper",
    "seal_certificate",
    "signing_key_check",
    "timestamper",
    "trust_roots",
    "trusted_root_add",
    "trusted_root_check",
    "trusted_root_set_active",
    "tsa_response",
    "validation_context",
]

END_ENTITY_KEY_BITS = 2048


# --- Creating certificates ------------------------------------------------------------------


def _store(
    *,
    actor: Any,
    cert: x509.Certificate,
    purpose: str,
    source: str,
    owner: Any = None,
    unit: Unit | None = None,
    issued_by: Authority | None = None,
    chain: list[x509.Certificate] | None = None,
    key_pem: str = "",
    pin_protected: bool = False,
    label: str = "",
    action: str,
    request: Any = None,
    **extra: Any,
) -> Certificate:
    fp = fingerprint(cert)
    if Certificate.objects.filter(fingerprint=fp).exists():
        raise Conflict(_("This certificate is already registered."))
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                purpose=purpose,
                source=source,
                owner=owner,
                unit=unit,
                label=label[:200],
                subject=cert.subject.rfc4514_string()[:500],
                common_name=_common_name(cert.subject)[:200],
                issuer=cert.issuer.rfc4514_string()[:500],
                serial=format(cert.serial_number, "x")[:64],
                fingerprint=fp,
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
                certificate_pem=_pem(cert),
                chain_pem="".join(_pem(c) for c in chain or ()),
                issued_by=issued_by,
                key_pem=key_pem,
                pin_protected=pin_protected,
                created_by=actor if getattr(actor, "pk", None) else None,
                **extra,
            )
            audit_write(
                actor=actor,
                action=action,
                obj=certificate,
                data={"fingerprint": fp, "purpose": purpose, "source": source},
                request=request,
            )
    except IntegrityError:
        raise Conflict(_("This certificate is already registered.")) from None
    return certificate


def _platform_chain(issuing: Authority) -> list[x509.Certificate]:
    chain = [authority_cert(issuing)]
    if issuing.parent is not None:
        chain.append(authority_cert(issuing.parent))
    return chain


def _issue(
    *,
    subject: x509.Name,
    public_key: Any,
    years: int,
    email: str | None = None,
) -> tuple[x509.Certificate, Authority]:
    issuing = authority_current(Authority.Role.ISSUING)
    issuer_cert = authority_cert(issuing)
    now = timezone.now()
    not_after = min(now + dt.timedelta(days=365 * years), issuer_cert.not_valid_after_utc)
    cert = certificate_build(
        subject=subject,
        public_key=public_key,
        issuer_cert=issuer_cert,
        issuer_key=authority_key(issuing),
        not_before=now - dt.timedelta(minutes=5),
        not_after=not_after,
        key_usage={"digital_signature": True, "content_commitment": True},
        crl_url=ca_url("crl"),
        ocsp_url=ca_url("ocsp"),
        issuer_url=ca_url("issuing"),
        email=email or "",
    )
    return cert, issuing


def _membership_for(user: User, unit: Unit | None) -> Membership | None:
    memberships = Membership.objects.filter(user=user).select_related("unit")
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    # The leading role names the position printed in the certificate.
    order = {Role.LEADER: 0, Role.UNIT_ADMIN: 1, Role.CLERK: 2, Role.OFFICIAL: 3}
    return min(memberships, key=lambda m: (order.get(Role(m.role), 9), m.pk), default=None)


def certificate_issue_personal(
    *,
    actor: Any,
    user: User,
    pin: str,
    years: int = 2,
    unit: Unit | None = None,
    request: Any = None,
) -> Certificate:
    """Issue a person a signing certificate from the platform CA, the key under their PIN.

    Self-service for any member of a unit; staff may issue for anyone who is a member.
    """
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError(_("Sign in to get a signing certificate."))
    if actor.pk != user.pk and not _is_staff(actor):
        raise PermissionDeniedError(_("You may only request a signing certificate for yourself."))
    if not 1 <= years <= 5:
        raise DomainError(_("A certificate is issued for one to five years."))
    membership = _membership_for(user, unit)
    if membership is None:
        raise PermissionDeniedError(_("Signing certificates are issued to members of a unit only."))
    pin_validate(pin)
    key = key_generate(END_ENTITY_KEY_BITS)
    subject = name_build(
        common_name=user.full_name or str(user),
        organisation=membership.unit.name,
        title=membership.title,
    )
    cert, issuing = _issue(
        subject=subject, public_key=key.public_key(), years=years, email=user.email
    )
    return _store(
        actor=actor,
        cert=cert,
        purpose=Certificate.Purpose.PERSONAL,
        source=Certificate.Source.PLATFORM,
        owner=user,
        issued_by=issuing,
        chain=_platform_chain(issuing),
        key_pem=key_encrypt(key, pin=pin),
        pin_protected=True,
        label=str(_("Platform certificate")),
        action="signing.certificate_issue",
        request=request,
    )


def certificate_issue_seal(
    *, actor: Any, unit: Unit, years: int = 3, request: Any = None
) -> Certificate:
    """Issue a unit its seal certificate (key under the master key only)."""
    if not can_issue_seal(actor, unit):
        raise PermissionDeniedError(
            _("Only an administrator of this unit may issue its seal certificate.")
        )
    if not 1 <= years <= 5:
        raise DomainError(_("A certificate is issued for one to five years."))
    key = key_generate(END_ENTITY_KEY_BITS)
    parent_name = unit.parent.name if unit.parent_id and unit.parent else ""
    subject = name_build(common_name=unit.name, organisation=unit.name, unit=parent_name)
    cert, issuing = _issue(subject=subject, public_key=key.public_key(), years=years)
    return _store(
        actor=actor,
        cert=cert,
        purpose=Certificate.Purpose.SEAL,
        source=Certificate.Source.PLATFORM,
        unit=unit,
        issued_by=issuing,
        chain=_platform_chain(issuing),
        key_pem=key_encrypt(key),
        label=str(_("Seal certificate")),
        action="signing.seal_issue",
        request=request,
    )


def _holder_check(actor: Any, owner: Any, unit: Unit | None) -> tuple[str, Any]:
    """The purpose and owner of a certificate being added, after the permission check."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError(_("Sign in to add a certificate."))
    if unit is not None:
        if not can_issue_seal(actor, unit):
            raise PermissionDeniedError(
                _("Only an administrator of this unit may add its seal certificate.")
            )
        return Certificate.Purpose.SEAL, None
    owner = owner or actor
    if owner.pk != actor.pk and not _is_staff(actor):
        raise PermissionDeniedError(_("You may only add certificates for yourself."))
    return Certificate.Purpose.PERSONAL, owner


def _pkcs12_structure_ok(data: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx["auth_safe"]["content_type"].native  # noqa: B018
    except Exception:
        return False
    return True


def certificate_import_pkcs12(
    *,
    actor: Any,
    data: bytes,
    password: str,
    pin: str | None,
    owner: Any = None,
    unit: Unit | None = None,
    request: Any = None,
) -> Certificate:
    """Import a PKCS#12 (.p12/.pfx) file; the password only opens it and is never kept.

    A personal key is stored under the owner's signing PIN (required), a seal's under the master
    key. Expired certificates and certificates without the signing key usage are refused.
    """
    purpose, owner = _holder_check(actor, owner, unit)
    if purpose == Certificate.Purpose.PERSONAL:
        if pin is None:
            raise DomainError(_("Choose a signing PIN to protect the imported key."))
        pin_validate(pin)
    if not data:
        raise DomainError(_("Choose a PKCS#12 file (.p12 or .pfx)."), code="bad_pkcs12")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except (ValueError, TypeError):
        if _pkcs12_structure_ok(data):
            raise WrongPin(_("The password of the PKCS#12 file is wrong.")) from None
        raise DomainError(
            _("The file is not a PKCS#12 file (.p12 or .pfx) or it is damaged."),
            code="bad_pkcs12",
        ) from None
    if key is None or cert is None:
        raise DomainError(
            _("The PKCS#12 file must hold a certificate and its private key."),
            code="bad_pkcs12",
        )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise DomainError(_("Only RSA and elliptic-curve keys are supported."), code="bad_pkcs12")
    if key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise DomainError(
            _("The private key in the file does not belong to its certificate."),
            code="bad_pkcs12",
        )
    _check_signing_cert(cert)
    return _store(
        actor=actor,
        cert=cert,
        purpose=purpose,
        source=Certificate.Source.PKCS12,
        owner=owner,
        unit=unit,
        chain=list(extra or ()),
        key_pem=key_encrypt(key, pin=pin if purpose == Certificate.Purpose.PERSONAL else None),
        pin_protected=purpose == Certificate.Purpose.PERSONAL,
        label=str(_("Imported PKCS#12 file")),
        action="signing.certificate_import",
        request=request,
    )


def _external_source_check(source: str, pkcs11_module: str, provider: str) -> str:
    """Refuse a module or provider the server does not allow; the provider to record."""
    if source == Certificate.Source.PKCS11:
        if pkcs11_module not in settings.SIGNING_PKCS11_MODULES:
            raise DomainError(
                _("This PKCS#11 module is not on the server's allowed list."),
                code="pkcs11_module",
            )
        return ""
    if source == Certificate.Source.REMOTE:
        provider = provider or "agent"
        if provider not in settings.SIGNING_PROVIDERS:
            raise DomainError(_("This signing provider is not enabled."), code="provider")
        return provider
    raise DomainError(_("Choose where the key is: a token or a remote service."))


def certificate_register_external(
    *,
    actor: Any,
    owner: Any = None,
    unit: Unit | None = None,
    certificate_pem: str | bytes,
    source: str,
    pkcs11_module: str = "",
    pkcs11_token: str = "",
    pkcs11_key: str = "",
    provider: str = "",
    provider_ref: str = "",
    chain_pem: str = "",
    request: Any = None,
) -> Certificate:
    """Register the certificate of a key the server never holds (a token, a remote service)."""
    purpose, owner = _holder_check(actor, owner, unit)
    provider = _external_source_check(source, pkcs11_module, provider)
    cert = certificate_parse(certificate_pem)
    _check_signing_cert(cert)
    chain: list[x509.Certificate] = []
    if chain_pem:
        try:
            chain = x509.load_pem_x509_certificates(chain_pem.encode("ascii", "replace"))
        except ValueError:
            raise DomainError(
                _("The certificate chain is not valid PEM."), code="bad_certificate"
            ) from None
    return _store(
        actor=actor,
        cert=cert,
        purpose=purpose,
        source=source,
        owner=owner,
        unit=unit,
        chain=chain,
        label=str(_("USB token or remote service")),
        action="signing.certificate_register",
        request=request,
        pkcs11_module=pkcs11_module if source == Certificate.Source.PKCS11 else "",
        pkcs11_token=pkcs11_token[:100],
        pkcs11_key=pkcs11_key[:100],
        provider=provider,
        provider_ref=provider_ref[:200],
    )


def _csr_parse(data: bytes | str) -> x509.CertificateSigningRequest:
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    try:
        if b"-----BEGIN CERTIFICATE REQUEST-----" in raw:
            csr = x509.load_pem_x509_csr(raw)
        else:
            csr = x509.load_der_x509_csr(raw)
        valid = csr.is_signature_valid
    except (ValueError, TypeError, x509.UnsupportedGeneralNameType):
        raise DomainError(
            _("The file is not a certificate request (CSR)."), code="bad_certificate"
        ) from None
    if not valid:
        raise DomainError(
            _("The certificate request is not signed by its own key."), code="bad_certificate"
        )
    return csr


def is_certificate_request(data: bytes | str) -> bool:
    """Whether an uploaded file is a certificate request (PEM, or DER that parses as one)."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    if b"CERTIFICATE REQUEST-----" in raw:
        return True
    try:
        x509.load_der_x509_csr(raw)
    except ValueError:
        return False
    return True


def certificate_issue_csr(
    *,
    actor: Any,
    csr: bytes | str,
    source: str,
    owner: Any = None,
    unit: Unit | None = None,
    years: int = 2,
    pkcs11_module: str = "",
    pkcs11_token: str = "",
    pkcs11_key: str = "",
    provider: str = "",
    provider_ref: str = "",
    request: Any = None,
) -> Certificate:
    """Certify a key made on a token (its CSR): the platform CA issues the certificate, the key
    stays on the token. The subject is the person's (or unit's) as the platform knows it, not
    what the request says."""
    purpose, owner = _holder_check(actor, owner, unit)
    provider = _external_source_check(source, pkcs11_module, provider)
    if not 1 <= years <= 5:
        raise DomainError(_("A certificate is issued for one to five years."))
    parsed = _csr_parse(csr)
    public_key = parsed.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise DomainError(_("Only RSA and elliptic-curve keys are supported."))
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size < 2048:
        raise DomainError(_("The key is too short: at least 2048 bits are needed."))
    if purpose == Certificate.Purpose.PERSONAL:
        membership = _membership_for(owner, None)
        if membership is None:
            raise PermissionDeniedError(
                _("Signing certificates are issued to members of a unit only.")
            )
        subject = name_build(
            common_name=owner.full_name or str(owner),
            organisation=membership.unit.name,
            title=membership.title,
        )
        email = owner.email
    else:
        assert unit is not None  # noqa: S101  (a seal has its unit: `_holder_check`)
        subject = name_build(common_name=unit.name, organisation=unit.name)
        email = None
    cert, issuing = _issue(subject=subject, public_key=public_key, years=years, email=email)
    return _store(
        actor=actor,
        cert=cert,
        purpose=purpose,
        source=source,
        owner=owner,
        unit=unit,
        issued_by=issuing,
        chain=_platform_chain(issuing),
        label=str(_("Token certified by the platform")),
        action="signing.certificate_issue_csr",
        request=request,
        pkcs11_module=pkcs11_module if source == Certificate.Source.PKCS11 else "",
        pkcs11_token=pkcs11_token[:100],
        pkcs11_key=pkcs11_key[:100],
        provider=provider,
        provider_ref=provider_ref[:200],
    )


def certificate_revoke(
    *, actor: Any, certificate: Certificate, reason: str, request: Any = None
) -> Certificate:
    """Revoke a certificate; a platform one is listed in the next CRL and answered by OCSP."""
    if not can_manage_certificate(actor, certificate):
        raise PermissionDeniedError(_("You may not revoke this certificate."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for revoking the certificate."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == Certificate.Status.REVOKED:
            raise Conflict(_("This certificate is already revoked."))
        locked.status = Certificate.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason[:200]
        # A revoked key is of no further use: drop it, so it can never sign again.
        locked.key_pem = ""
        locked.save(update_fields=["status", "revoked_at", "revocation_reason", "key_pem"])
        audit_write(
            actor=actor,
            action="signing.certificate_revoke",
            obj=locked,
            data={"reason": locked.revocation_reason},
            request=request,
        )
    return locked


def platform_root_pem() -> str:
    """The platform root certificate (PEM), or "" before `vcnet signing init-ca`."""
    root = authority_find(Authority.Role.ROOT)
    return root.certificate_pem if root else ""


def signing_key_check(certificate: Certificate) -> None:
    """SigningError unless the server holds this certificate's key (platform or PKCS#12)."""
    if not certificate.key_pem:
        raise SigningError(_("The server does not hold the key of this certificate."))
