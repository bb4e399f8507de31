"""The platform CA: a root, an issuing CA under it, and the TSA and OCSP responder certificates.

`authority_init` creates them once (`vcnet signing init-ca`); their private keys are stored
encrypted under the master key (`vcnet.signing.keys`). Issued certificates carry the CRL and OCSP
addresses under SITE_URL (/signing/ca/crl, /signing/ca/ocsp).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.core.audit import audit_write
from vcnet.signing.errors import SigningError
from vcnet.signing.keys import key_decrypt, key_encrypt, key_generate
from vcnet.signing.models import Authority

__all__ = [
    "AuthorityMaterial",
    "authority_cert",
    "authority_current",
    "authority_find",
    "authority_init",
    "authority_key",
    "authority_material",
    "ca_url",
    "cert_to_asn1",
    "fingerprint",
    "name_build",
]

ROOT_YEARS = 20
ISSUING_YEARS = 10
SERVICE_YEARS = 10
ROOT_KEY_BITS = 3072
ISSUING_KEY_BITS = 3072
SERVICE_KEY_BITS = 2048
# id-pkix-ocsp-nocheck: the responder's own certificate is not checked for revocation.
OCSP_NOCHECK = x509.ObjectIdentifier("1.3.6.1.5.5.7.48.1.5")

KeyFactory = Callable[[int], rsa.RSAPrivateKey]

# Names of 64 characters longer than 64 UTF-8 bytes are valid (see `_attribute`); cryptography
# warns about them whenever such a certificate is read.
warnings.filterwarnings("ignore", message="Attribute's length must be", category=UserWarning)


def ca_url(name: str) -> str:
    """An absolute address of a CA endpoint (`crl`, `ocsp`, `tsa`, `root`, ...) under SITE_URL."""
    return settings.SITE_URL.rstrip("/") + reverse(f"signing:ca-{name}")


def _attribute(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute:
    # RFC 5280 bounds names at 64 characters; cryptography counts UTF-8 bytes, which would cut
    # a Vietnamese name with diacritics at about 40 letters.
    value = value.strip()[:64]
    return x509.NameAttribute(oid, value, _validate=False)


def name_build(
    *, common_name: str, organisation: str = "", unit: str = "", title: str = ""
) -> x509.Name:
    """A subject in UTF8String (Vietnamese names keep their diacritics), country VN."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(_attribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        attributes.append(_attribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    if title:
        attributes.append(_attribute(NameOID.TITLE, title))
    attributes.append(_attribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER, lowercase hex."""
    return cert.fingerprint(hashes.SHA256()).hex()


def cert_to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The same certificate as asn1crypto's object (what pyHanko and its validator take)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def key_to_asn1(key: Any) -> asn1_keys.PrivateKeyInfo:
    """A private key as asn1crypto's PrivateKeyInfo (what pyHanko's signers take)."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def _ski(public_key: Any) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(public_key)


def certificate_build(
    *,
    subject: x509.Name,
    public_key: Any,
    issuer_cert: x509.Certificate | None,
    issuer_key: Any,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ca: bool = False,
    path_length: int | None = None,
    key_usage: dict[str, bool],
    extended_key_usage: Iterable[x509.ObjectIdentifier] = (),
    eku_critical: bool = False,
    crl_url: str = "",
    ocsp_url: str = "",
    issuer_url: str = "",
    ocsp_nocheck: bool = False,
    email: str = "",
) -> x509.Certificate:
    """One X.509 v3 certificate, signed with SHA-256 by the issuer (itself for a root)."""
    usage = {
        "digital_signature": False,
        "content_commitment": False,
        "key_encipherment": False,
        "data_encipherment": False,
        "key_agreement": False,
        "key_cert_sign": False,
        "crl_sign": False,
        "encipher_only": False,
        "decipher_only": False,
        **key_usage,
    }
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(_ski(public_key), critical=False)
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
    ekus = list(extended_key_usage)
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(ekus), critical=eku_critical)
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    access = []
    if ocsp_url:
        access.append(
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
            )
        )
    if issuer_url:
        access.append(
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(issuer_url),
            )
        )
    if access:
        builder = builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    if ocsp_nocheck:
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass(frozen=True)
class AuthorityMaterial:
    """One platform certificate and its encrypted key, before it is stored."""

    role: str
    name: str
    certificate: x509.Certificate
    key_pem: str


def authority_material(
    *,
    name: str = "VCNET Root CA",
    organisation: str = "VCNET",
    key_factory: KeyFactory = key_generate,
    now: dt.datetime | None = None,
) -> list[AuthorityMaterial]:
    """Generate the root, issuing, TSA and OCSP certificates and keys (nothing is stored)."""
    now = now or timezone.now()
    start = now - dt.timedelta(minutes=5)
    root_key = key_factory(ROOT_KEY_BITS)
    root_subject = name_build(common_name=name, organisation=organisation)
    root = certificate_build(
        subject=root_subject,
        public_key=root_key.public_key(),
        issuer_cert=None,
        issuer_key=root_key,
        not_before=start,
        not_after=now + dt.timedelta(days=365 * ROOT_YEARS + 5),
        ca=True,
        path_length=1,
        key_usage={"key_cert_sign": True, "crl_sign": True},
    )
    issuing_key = key_factory(ISSUING_KEY_BITS)
    issuing_name = f"{organisation} Issuing CA"
    issuing = certificate_build(
        subject=name_build(common_name=issuing_name, organisation=organisation),
        public_key=issuing_key.public_key(),
        issuer_cert=root,
        issuer_key=root_key,
        not_before=start,
        not_after=now + dt.timedelta(days=365 * ISSUING_YEARS + 2),
        ca=True,
        path_length=0,
        key_usage={"key_cert_sign": True, "crl_sign": True},
        crl_url=ca_url("root-crl"),
        issuer_url=ca_url("root"),
    )
    service_end = now + dt.timedelta(days=365 * SERVICE_YEARS)
    tsa_key = key_factory(SERVICE_KEY_BITS)
    tsa_name = f"{organisation} Timestamping Authority"
    tsa = certificate_build(
        subject=name_build(common_name=tsa_name, organisation=organisation),
        public_key=tsa_key.public_key(),
        issuer_cert=issuing,
        issuer_key=issuing_key,
        not_before=start,
        not_after=service_end,
        key_usage={"digital_signature": True, "content_commitment": True},
        extended_key_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        eku_critical=True,
        crl_url=ca_url("crl"),
        ocsp_url=ca_url("ocsp"),
        issuer_url=ca_url("issuing"),
    )
    ocsp_key = key_factory(SERVICE_KEY_BITS)
    ocsp_name = f"{organisation} OCSP Responder"
    ocsp = certificate_build(
        subject=name_build(common_name=ocsp_name, organisation=organisation),
        public_key=ocsp_key.public_key(),
        issuer_cert=issuing,
        issuer_key=issuing_key,
        not_before=start,
        not_after=service_end,
        key_usage={"digital_signature": True},
        extended_key_usage=[ExtendedKeyUsageOID.OCSP_SIGNING],
        ocsp_nocheck=True,
        issuer_url=ca_url("issuing"),
    )
    return [
        AuthorityMaterial(Authority.Role.ROOT, name, root, key_encrypt(root_key)),
        AuthorityMaterial(Authority.Role.ISSUING, issuing_name, issuing, key_encrypt(issuing_key)),
        AuthorityMaterial(Authority.Role.TSA, tsa_name, tsa, key_encrypt(tsa_key)),
        AuthorityMaterial(Authority.Role.OCSP, ocsp_name, ocsp, key_encrypt(ocsp_key)),
    ]


def authority_find(role: str) -> Authority | None:
    """The active platform authority of this role, or None before `vcnet signing init-ca`."""
    return Authority.objects.filter(role=role, active=True).order_by("-created_at", "-pk").first()


def authority_current(role: str) -> Authority:
    """The active platform authority of this role; SigningError when the CA is not set up."""
    authority = authority_find(role)
    if authority is None:
        raise SigningError(
            _(
                "The platform certification authority is not set up yet: "
                'an administrator must run "vcnet signing init-ca".'
            ),
            code="ca_missing",
        )
    return authority


def authority_init(
    *,
    name: str = "VCNET Root CA",
    organisation: str = "VCNET",
    actor: Any = None,
    material: list[AuthorityMaterial] | None = None,
) -> Authority:
    """Create the platform CA once (root, issuing, TSA, OCSP); returns the issuing CA.

    Idempotent: when an issuing CA exists it is returned unchanged. `material` lets a caller
    (the tests) supply certificates and keys generated beforehand.
    """
    existing = authority_find(Authority.Role.ISSUING)
    if existing is not None:
        return existing
    material = material or authority_material(name=name, organisation=organisation)
    by_role: dict[str, Authority] = {}
    parents = {
        Authority.Role.ROOT: None,
        Authority.Role.ISSUING: Authority.Role.ROOT,
        Authority.Role.TSA: Authority.Role.ISSUING,
        Authority.Role.OCSP: Authority.Role.ISSUING,
    }
    with transaction.atomic():
        for item in material:
            cert = item.certificate
            parent_role = parents[Authority.Role(item.role)]
            by_role[item.role] = Authority.objects.create(
                role=item.role,
                name=item.name,
                parent=by_role[parent_role] if parent_role else None,
                certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
                key_pem=item.key_pem,
                serial=format(cert.serial_number, "x"),
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
            )
        issuing = by_role[Authority.Role.ISSUING]
        audit_write(
            actor=actor,
            action="signing.ca_init",
            obj=issuing,
            data={"root": fingerprint(material[0].certificate)},
        )
    return issuing


# Parsed certificates and unlocked CA keys, per process. The key cache is keyed by the stored
# text and the master key, so a changed key or master key is never served stale.
_CERT_CACHE: dict[str, x509.Certificate] = {}
_KEY_CACHE: dict[str, Any] = {}


def authority_cert(authority: Authority) -> x509.Certificate:
    """The authority's certificate as a cryptography object (cached per process)."""
    cert = _CERT_CACHE.get(authority.certificate_pem)
    if cert is None:
        cert = x509.load_pem_x509_certificate(authority.certificate_pem.encode("ascii"))
        _CERT_CACHE[authority.certificate_pem] = cert
    return cert


def authority_key(authority: Authority) -> Any:
    """The authority's private key, unlocked with the master key (cached per process)."""
    marker = hashlib.sha256(
        (str(settings.SIGNING_MASTER_KEY) + "\0" + authority.key_pem).encode()
    ).hexdigest()
    key = _KEY_CACHE.get(marker)
    if key is None:
        key = key_decrypt(authority.key_pem)
        _KEY_CACHE[marker] = key
    return key
