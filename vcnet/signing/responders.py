"""What the platform CA answers: its CRL, OCSP, RFC 3161 timestamps, and the trust it offers
to validation (the platform root and the roots administrators added).

Everything works offline: `validation_context()` carries the current CRLs, so platform
certificates validate (and B-LT signatures embed revocation data) without any network access.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509 import ocsp
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max
from django.utils import timezone
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps import DummyTimeStamper, TimeStamper
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from vcnet.signing.authority import (
    authority_cert,
    authority_find,
    authority_key,
    cert_to_asn1,
    key_to_asn1,
)
from vcnet.signing.models import Authority, Certificate, TrustedRoot

__all__ = [
    "REVOCATION_REASON_FLAGS",
    "crl_der",
    "ocsp_response",
    "platform_timestamper",
    "timestamper",
    "trust_roots",
    "tsa_response",
    "validation_context",
]

# A CRL is reissued at least this often, and announces the next one a week ahead.
CRL_REFRESH = dt.timedelta(hours=1)
CRL_VALIDITY = dt.timedelta(days=7)
OCSP_VALIDITY = dt.timedelta(hours=12)
# The TSA's policy: an OID under VCNET's arc would be registered; this one says "VCNET TSA v1".
TSA_POLICY = "1.3.6.1.4.1.59999.1.1"
TSA_DIGESTS = {"sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512", "sha1"}

# Reasons people pick when revoking, as RFC 5280 reason codes in the CRL and OCSP answers.
REVOCATION_REASON_FLAGS = {
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
}


def _reason_flag(reason: str) -> x509.ReasonFlags | None:
    return REVOCATION_REASON_FLAGS.get(reason.split(":", 1)[0].strip())


# --- CRL ------------------------------------------------------------------------------------


def _crl_build(authority: Authority) -> tuple[bytes, dt.datetime]:
    now = timezone.now().replace(microsecond=0)
    Authority.objects.filter(pk=authority.pk).update(crl_number=F("crl_number") + 1)
    authority.refresh_from_db(fields=["crl_number"])
    issuer = authority_cert(authority)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(now - dt.timedelta(minutes=1))
        .next_update(now + CRL_VALIDITY)
        .add_extension(x509.CRLNumber(authority.crl_number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if authority.role == Authority.Role.ISSUING:
        revoked = Certificate.objects.filter(
            issued_by=authority, status=Certificate.Status.REVOKED
        ).values_list("serial", "revoked_at", "revocation_reason")
        for serial, revoked_at, reason in revoked:
            entry = (
                x509.RevokedCertificateBuilder()
                .serial_number(int(serial, 16))
                .revocation_date(revoked_at or now)
            )
            flag = _reason_flag(reason)
            if flag is not None:
                entry = entry.add_extension(x509.CRLReason(flag), critical=False)
            builder = builder.add_revoked_certificate(entry.build())
    crl = builder.sign(authority_key(authority), hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER), now


def crl_der(role: str = Authority.Role.ISSUING) -> bytes:
    """The current CRL of the issuing CA (or of the root, `role="root"`), DER.

    Reissued when a certificate was revoked since the last one or after an hour; each issue
    takes the next CRL number.
    """
    authority = authority_find(role)
    if authority is None:
        return b""
    # The cache key changes with every revocation, so a revoked certificate is listed at once
    # without an invalidation step.
    marks = Certificate.objects.filter(
        issued_by=authority, status=Certificate.Status.REVOKED
    ).aggregate(n=Count("pk"), last=Max("revoked_at"))
    last = marks["last"].isoformat() if marks["last"] else "-"
    key = f"signing:crl:{authority.pk}:{marks['n']}:{last}"
    cached = cache.get(key)
    if cached is not None and timezone.now() - cached[1] < CRL_REFRESH:
        return bytes(cached[0])
    der, issued = _crl_build(authority)
    cache.set(key, (der, issued), int(CRL_REFRESH.total_seconds()))
    return der


# --- OCSP -----------------------------------------------------------------------------------


def _ocsp_error(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )


def _issuer_hashes(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    parsed = cert_to_asn1(cert)
    name = hashlib.new(algorithm.name, parsed.subject.dump()).digest()
    key = hashlib.new(algorithm.name, bytes(parsed.public_key["public_key"])).digest()
    return name, key


def ocsp_response(request_der: bytes) -> bytes:
    """An OCSP response (RFC 6960) for one certificate the issuing CA issued, DER.

    good / revoked (with time and reason) / unknown; "unauthorized" for another issuer's
    certificate, "malformed" for a request that cannot be read.
    """
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        algorithm = request.hash_algorithm
        serial = request.serial_number
        name_hash, key_hash = request.issuer_name_hash, request.issuer_key_hash
    except (ValueError, TypeError, x509.UnsupportedGeneralNameType):
        return _ocsp_error(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    except Exception:  # an unsupported hash algorithm raises its own kind
        return _ocsp_error(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    responder = authority_find(Authority.Role.OCSP)
    if responder is None:
        return _ocsp_error(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    issuer: Authority | None = None
    for candidate in Authority.objects.filter(role=Authority.Role.ISSUING):
        if _issuer_hashes(authority_cert(candidate), algorithm) == (name_hash, key_hash):
            issuer = candidate
            break
    if issuer is None:
        return _ocsp_error(ocsp.OCSPResponseStatus.UNAUTHORIZED)

    serial_hex = format(serial, "x")
    now = timezone.now().replace(microsecond=0)
    status = ocsp.OCSPCertStatus.UNKNOWN
    revoked_at: dt.datetime | None = None
    reason: x509.ReasonFlags | None = None
    cert = Certificate.objects.filter(issued_by=issuer, serial=serial_hex).first()
    if cert is not None:
        if cert.status == Certificate.Status.REVOKED:
            status = ocsp.OCSPCertStatus.REVOKED
            revoked_at = cert.revoked_at or now
            reason = _reason_flag(cert.revocation_reason)
        else:
            status = ocsp.OCSPCertStatus.GOOD
    elif Authority.objects.filter(parent=issuer, serial=serial_hex).exists():
        status = ocsp.OCSPCertStatus.GOOD

    responder_cert = authority_cert(responder)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=name_hash,
            issuer_key_hash=key_hash,
            serial_number=serial,
            algorithm=algorithm,
            cert_status=status,
            this_update=now - dt.timedelta(minutes=1),
            next_update=now + OCSP_VALIDITY,
            revocation_time=revoked_at,
            revocation_reason=reason,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, responder_cert)
        .certificates([responder_cert])
    )
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    response = builder.sign(authority_key(responder), hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


# --- Timestamps -----------------------------------------------------------------------------


class PlatformTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA with the platform TSA certificate; the key stays loaded."""

    def __init__(self, *, tsa: Authority, chain: list[asn1_x509.Certificate]) -> None:
        self._key = authority_key(tsa)
        super().__init__(
            tsa_cert=cert_to_asn1(authority_cert(tsa)),
            tsa_key=key_to_asn1(self._key),
            certs_to_embed=chain,  # type: ignore[arg-type]
        )

    def _build_tst_info(
        self, message_imprint: tsp.MessageImprint, dt: dt.datetime, req: tsp.TimeStampReq
    ) -> tsp.TSTInfo:
        info = super()._build_tst_info(message_imprint, dt, req)
        info["policy"] = tsp.ObjectIdentifier(TSA_POLICY)
        return info

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: dt.datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        # The parent parses the key again for every token; this signs with the loaded one.
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(
            signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
        )
        return signature, signed_attrs


def platform_timestamper() -> PlatformTimeStamper:
    """A pyHanko TimeStamper that stamps in process with the platform TSA's key."""
    from vcnet.signing.authority import authority_current

    tsa = authority_current(Authority.Role.TSA)
    chain = []
    issuing = authority_find(Authority.Role.ISSUING)
    if issuing is not None:
        chain.append(cert_to_asn1(authority_cert(issuing)))
    return PlatformTimeStamper(tsa=tsa, chain=chain)


def timestamper() -> TimeStamper:
    """The TSA for B-T and above: SIGNING_TSA_URL when set, else the platform's own."""
    if settings.SIGNING_TSA_URL:
        return RequestsHTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=10)
    return platform_timestamper()


class _TimeStampRejection(core.Sequence):
    # asn1crypto's TimeStampResp makes the token mandatory; RFC 3161 omits it on rejection.
    _fields = [("status", tsp.PKIStatusInfo)]


def _tsa_rejection(failure: str, text: str) -> bytes:
    return _TimeStampRejection(
        {
            "status": {
                "status": "rejection",
                "status_string": [text],
                "fail_info": tsp.PKIFailureInfo({failure}),
            }
        }
    ).dump()


def tsa_response(request_der: bytes) -> bytes:
    """An RFC 3161 TimeStampResp for a TimeStampReq (DER in, DER out)."""
    try:
        request = tsp.TimeStampReq.load(request_der)
        algorithm = request["message_imprint"]["hash_algorithm"]["algorithm"].native
        digest = request["message_imprint"]["hashed_message"].native
        request.native  # noqa: B018  (parses every field now, so a bad request fails here)
    except Exception:
        return _tsa_rejection("bad_data_format", "The request is not a TimeStampReq.")
    if algorithm not in TSA_DIGESTS:
        return _tsa_rejection("bad_alg", "This digest algorithm is not accepted.")
    if len(digest) != hashlib.new(algorithm.replace("_", "-")).digest_size:
        return _tsa_rejection("bad_data_format", "The imprint does not match its algorithm.")
    try:
        stamper = platform_timestamper()
    except Exception:
        return _tsa_rejection("system_failure", "The timestamping service is not set up.")
    return stamper.request_tsa_response(request).dump()


# --- Trust ----------------------------------------------------------------------------------


def trust_roots() -> list[asn1_x509.Certificate]:
    """The roots VCNET trusts: the platform root and every active TrustedRoot."""
    roots: list[asn1_x509.Certificate] = []
    root = authority_find(Authority.Role.ROOT)
    if root is not None:
        roots.append(cert_to_asn1(authority_cert(root)))
    for pem in TrustedRoot.objects.filter(active=True).values_list("certificate_pem", flat=True):
        roots.append(cert_to_asn1(x509.load_pem_x509_certificate(pem.encode("ascii"))))
    return roots


def validation_context(*, allow_fetching: bool = False, **kwargs: Any) -> ValidationContext:
    """A pyHanko ValidationContext trusting `trust_roots()`, with the platform's CRLs supplied.

    Platform certificates validate offline, and B-LT signing embeds those CRLs. Extra keyword
    arguments go to ValidationContext (`moment=`, `revocation_mode=`...).
    """
    other_certs = []
    crls = []
    for role in (Authority.Role.ISSUING, Authority.Role.TSA, Authority.Role.OCSP):
        authority = authority_find(role)
        if authority is not None:
            other_certs.append(cert_to_asn1(authority_cert(authority)))
    if authority_find(Authority.Role.ISSUING) is not None:
        crls = [crl_der(Authority.Role.ISSUING), crl_der(Authority.Role.ROOT)]
    return ValidationContext(
        trust_roots=trust_roots(),
        other_certs=other_certs,
        crls=[c for c in crls if c],
        allow_fetching=allow_fetching,
        **kwargs,
    )
