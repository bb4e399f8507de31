"""Two-step (deferred) PAdES signing, for keys the server never holds (a USB token through the
signing agent, a remote signing service): `pdf_sign_prepare` writes the signature placeholder,
digests the document and returns the DER signed attributes to sign (`Prepared`, which maps onto
the `SignatureRequest` fields); `pdf_sign_finish` checks the value the token returned against the
certificate, embeds it, adds the timestamp and validation data, and returns the signed PDF.
Both are re-exported by `pades`, which holds the shared parts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Sequence
from typing import Any, cast

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.utils.translation import gettext as _
from pyhanko.sign import fields, signers
from pyhanko.sign.general import load_certs_from_pemder_data
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import (
    PdfSigningSession,
    PdfTBSDocument,
    PostSignInstructions,
)
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vcnet.signing.appearances import Appearance
from vcnet.signing.errors import SigningError
from vcnet.signing.pades import (
    _FAILURES,
    DIGEST_ALGORITHM,
    _level,
    _run,
    _setup,
    _timestamper,
    _translate,
    _validation_context,
)

__all__ = ["Prepared", "pdf_sign_finish", "pdf_sign_prepare"]


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A PDF with its signature placeholder, waiting for the signature value (two-step signing).

    `data_to_sign` (the DER signed attributes) is what the token signs: RSA PKCS#1 v1.5 (or
    ECDSA) with SHA-256 over these bytes. The fields map onto `SignatureRequest`: the PDF goes
    to `prepared`, `document_digest.hex()` to `document_digest`, the rest as they are.
    """

    prepared_pdf: bytes
    document_digest: bytes
    digest_algorithm: str
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes
    data_to_sign: bytes


# ---------------------------------------------------------------------------------------------
# Two-step (deferred) signing


def _certificates(certificate_pem: str, chain_pem: str) -> tuple[x509.Certificate, list[Any]]:
    try:
        certs = list(load_certs_from_pemder_data(certificate_pem.encode()))
        chain = list(load_certs_from_pemder_data(chain_pem.encode())) if chain_pem else []
    except (ValueError, TypeError) as exc:
        raise SigningError(_("The certificate is not a valid PEM certificate.")) from exc
    if len(certs) != 1:
        raise SigningError(_("The certificate is not a valid PEM certificate."))
    return certs[0], chain


def _placeholder_length(certificate: x509.Certificate) -> int:
    """Bytes of a signature by this certificate's key, for the size of the placeholder."""
    public_key = certificate.public_key
    if public_key.algorithm == "rsa":
        return int(public_key.bit_size) // 8
    # DER ECDSA signature: two integers of the curve size plus a few bytes of framing.
    return 2 * (int(public_key.bit_size) // 8 + 1) + 8


def _external_signer(
    certificate: x509.Certificate, chain: list[Any], signature_value: bytes | None = None
) -> signers.ExternalSigner:
    return signers.ExternalSigner(
        signing_cert=certificate,
        cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]),
        signature_value=(
            signature_value if signature_value is not None else _placeholder_length(certificate)
        ),
    )


def pdf_sign_prepare(
    data: bytes,
    *,
    certificate_pem: str,
    chain_pem: str = "",
    appearance: Appearance | None = None,
    level: str | None = None,
    certify: bool = False,
    field_name: str | None = None,
    reason: str = "",
    name: str = "",
    location: str = "",
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
    reserve: Sequence[Appearance] = (),
) -> Prepared:
    """First step of a deferred signature: place the signature field and return what to sign.

    The options are those of `pdf_sign`."""
    certificate, chain = _certificates(certificate_pem, chain_pem)
    setup = _setup(
        data,
        level=level,
        field_name=field_name,
        appearance=appearance,
        certify=certify,
        reason=reason,
        location=location,
        name=name,
        timestamper=timestamper,
        validation_context=validation_context,
        reserve=reserve,
    )
    ext_signer = _external_signer(certificate, chain)
    meta, ts = setup.meta, setup.timestamper

    async def prepare() -> Prepared:
        pdf_signer = setup.pdf_signer(ext_signer)
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(setup.writer)
        attrs = await ext_signer.signed_attrs(
            digest.document_digest,
            DIGEST_ALGORITHM,
            attr_settings=PdfCMSSignedAttributes(cades_signed_attrs=meta.cades_signed_attr_spec),
            use_pades=True,
            timestamper=ts,
        )
        der = attrs.dump()
        return Prepared(
            prepared_pdf=cast(io.BytesIO, output).getvalue(),
            document_digest=digest.document_digest,
            digest_algorithm=DIGEST_ALGORITHM,
            reserved_start=digest.reserved_region_start,
            reserved_end=digest.reserved_region_end,
            signed_attrs=der,
            data_to_sign=der,
        )

    try:
        prepared: Prepared = _run(prepare())
    except _FAILURES as exc:
        raise _translate(exc) from exc
    return prepared


def _signature_check(certificate: x509.Certificate, data: bytes, signature_value: bytes) -> None:
    """Refuse a signature value that the certificate's key did not make over `data`."""
    public_key = serialization.load_der_public_key(certificate.public_key.dump())
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature_value, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature_value, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise SigningError(_("This kind of key is not supported for signing."))
    except InvalidSignature:
        raise SigningError(
            _(
                "The signature returned by the token does not match the certificate or the "
                "document; sign again."
            )
        ) from None


def _byte_range_digest(prepared: Prepared) -> bytes:
    pdf = prepared.prepared_pdf
    digest = hashlib.new(prepared.digest_algorithm)
    digest.update(pdf[: prepared.reserved_start])
    digest.update(pdf[prepared.reserved_end :])
    return digest.digest()


def pdf_sign_finish(
    prepared: Prepared,
    *,
    certificate_pem: str,
    chain_pem: str = "",
    signature_value: bytes,
    level: str | None = None,
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Second step: embed the token's signature value, add timestamp and validation data."""
    level = _level(level)
    certificate, chain = _certificates(certificate_pem, chain_pem)
    if prepared.digest_algorithm != DIGEST_ALGORITHM:
        raise SigningError(_("This digest algorithm is not supported."))
    if (
        not 0 < prepared.reserved_start < prepared.reserved_end <= len(prepared.prepared_pdf)
        or _byte_range_digest(prepared) != prepared.document_digest
    ):
        raise SigningError(_("The prepared document was changed; start the signature again."))
    _signature_check(certificate, prepared.data_to_sign, signature_value)
    ts = _timestamper(level, timestamper)
    vc = _validation_context(level, validation_context)
    ext_signer = _external_signer(certificate, chain, signature_value)

    async def finish() -> bytes:
        attrs = cms.CMSAttributes.load(prepared.signed_attrs)
        signature_cms = await ext_signer.async_sign_prescribed_attributes(
            DIGEST_ALGORITHM, signed_attrs=attrs, timestamper=ts
        )
        post_sign = await _post_sign_instructions(
            level=level,
            prepared=prepared,
            ext_signer=ext_signer,
            timestamper=ts,
            validation_context=vc,
        )
        output = io.BytesIO(prepared.prepared_pdf)
        await PdfTBSDocument.async_finish_signing(
            output,
            PreparedByteRangeDigest(
                document_digest=prepared.document_digest,
                reserved_region_start=prepared.reserved_start,
                reserved_region_end=prepared.reserved_end,
            ),
            signature_cms,
            post_sign_instr=post_sign,
            validation_context=vc,
        )
        return output.getvalue()

    try:
        result: bytes = _run(finish())
    except _FAILURES as exc:
        raise _translate(exc) from exc
    return result


async def _post_sign_instructions(
    *,
    level: str,
    prepared: Prepared,
    ext_signer: signers.ExternalSigner,
    timestamper: TimeStamper | None,
    validation_context: ValidationContext | None,
) -> PostSignInstructions | None:
    """What pyHanko does after the signature for B-LT/B-LTA (DSS, archive timestamp).

    The instructions from the first step do not survive between requests, so they are built
    again the way pyHanko builds them: validate the signer (and TSA) now and embed the result.
    """
    if level not in ("B-LT", "B-LTA"):
        return None
    meta = signers.PdfSignatureMetadata(
        field_name="_",
        md_algorithm=DIGEST_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        use_pades_lta=level == "B-LTA",
        validation_context=validation_context,
    )
    pdf_signer = signers.PdfSigner(meta, signer=ext_signer, timestamper=timestamper)
    session = PdfSigningSession(
        pdf_signer,
        None,  # type: ignore[arg-type]  # only the validation step runs, no writing
        cms_writer=None,
        sig_field=None,
        md_algorithm=DIGEST_ALGORITHM,
        timestamper=timestamper,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    # No writer: pyHanko would read the placeholder signature of the prepared file while looking
    # for an earlier document timestamp; that timestamp is the platform TSA's, whose validation
    # data the current timestamper's paths bring in anyway.
    validation_info = await session.perform_presign_validation(None)
    if validation_info is None:
        return None
    return PostSignInstructions(
        validation_info=validation_info,
        timestamp_md_algorithm=DIGEST_ALGORITHM,
        timestamper=timestamper if level == "B-LTA" else None,
        dss_settings=meta.dss_settings,
        embed_roots=ext_signer.embed_roots,
    )
