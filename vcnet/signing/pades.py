"""PAdES signatures on PDFs with pyHanko: in one call, or in two steps for a key held elsewhere.

Every signature is an incremental update, so earlier signatures stay intact. The level
(B-B, B-T, B-LT, B-LTA; default `settings.SIGNING_LEVEL`) decides whether a signature
timestamp (`ca.timestamper()`), the validation data (`ca.validation_context()`) and an archive
timestamp are added. A batch builds its signer once and passes the same object for every file,
so the private key is loaded once (`LoadedKeySigner`); the timestamper and the validation
context may be passed in too, for the same reason.

The two-step (deferred) path serves keys the server never holds (a USB token through the
signing agent, a remote signing service): `pdf_sign_prepare` writes the signature placeholder,
digests the document and returns the DER signed attributes to sign (`Prepared`, which maps onto
the `SignatureRequest` fields); `pdf_sign_finish` embeds the signature value the token
returned, adds the timestamp and validation data, and returns the signed PDF.

Visible signatures are placed and drawn by `appearances` (`field_spec`, `stamp_style`). After
a certification signature (the leader's, DocMDP "form filling and signing allowed") a new
visible field would count as a forbidden change, so the seal goes into a field reserved before
or with the certification (`reserve=` here, or `appearances.number_fields_prepare`), and a
visible signature with no reserved field is refused. Bad input raises BadPdf or SigningError
with a message for the user; the input bytes are never changed and nothing is written.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import logging
import re
import weakref
from collections.abc import Sequence
from typing import Any

from asn1crypto import keys, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vcnet.signing.appearance_fields import SEAL_FIELD
from vcnet.signing.appearances import Appearance
from vcnet.signing.errors import BadPdf, SigningError

__all__ = [
    "LEVELS",
    "Appearance",
    "LoadedKeySigner",
    "Prepared",
    "pdf_open",
    "pdf_sign",
    "pdf_sign_finish",
    "pdf_sign_prepare",
]


class _OfflineValidationNotice(logging.Filter):
    """pyHanko warns on every B-LT signature that it may not fetch revocation data; VCNET never
    lets it fetch (the platform CA's CRL is handed over in `ca.validation_context()`), so the
    warning says nothing and would fill the seed's and the worker's output."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_OfflineValidationNotice())

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
DIGEST_ALGORITHM = "sha256"
# Form-field tree walk bound: deep enough for any real PDF, short of a reference loop.
_MAX_FIELD_DEPTH = 64


class LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's in-memory signer that parses the private key once instead of on every signature.

    `SimpleSigner.sign_raw` re-loads (and re-checks) the RSA key for each signature, which
    costs more than the rest of an invisible signature; a batch keeps this object instead.
    """

    def __init__(
        self,
        *,
        key: PrivateKeyTypes,
        certificate: x509.Certificate,
        chain: list[x509.Certificate] | tuple[x509.Certificate, ...] = (),
    ) -> None:
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        super().__init__(
            signing_cert=certificate,
            signing_key=keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]),
        )
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with the key loaded at construction (PKCS#1 v1.5 for RSA, ECDSA for EC)."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = _hash(digest_algorithm)
        if isinstance(self._key, rsa.RSAPrivateKey) and mechanism == "rsassa_pkcs1v15":
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)
        if isinstance(self._key, ec.EllipticCurvePrivateKey) and mechanism == "ecdsa":
            return self._key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


def _hash(digest_algorithm: str) -> hashes.HashAlgorithm:
    algorithms: dict[str, hashes.HashAlgorithm] = {
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }
    try:
        return algorithms[digest_algorithm.lower()]
    except KeyError:
        raise SigningError(_("This digest algorithm is not supported.")) from None


# ---------------------------------------------------------------------------------------------
# Reading the input


def pdf_open(data: bytes) -> IncrementalPdfFileWriter:
    """Open a PDF for an incremental update, or raise BadPdf saying what is wrong with it."""
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise BadPdf(_("The file is not a PDF."))
    if b"%%EOF" not in data[-2048:]:
        raise BadPdf(_("The PDF file is incomplete (truncated); upload the whole file again."))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        reader = writer.prev
        if reader.encrypted:
            raise BadPdf(
                _(
                    "The PDF is encrypted or password-protected; remove the protection and try again."
                )
            )
        # Reading the root and the page tree's top catches a broken cross-reference table;
        # walking every page would cost more than the signature on a long document (pyHanko
        # reads what it needs while signing, and a failure there is reported the same way).
        pages = reader.root["/Pages"]
        if int(pages["/Count"]) < 1:
            raise BadPdf(_("The PDF has no pages."))
    except BadPdf:
        raise
    except (misc.PdfError, KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise BadPdf(
            _("The PDF file is damaged (its structure cannot be read); it cannot be signed.")
        ) from exc
    return writer


def _field_names(writer: IncrementalPdfFileWriter) -> set[str]:
    """Fully qualified names of every form field already in the document."""
    names: set[str] = set()
    form = writer.root.get("/AcroForm")
    if form is None:
        return names

    def walk(items: Any, prefix: str, depth: int) -> None:
        if depth > _MAX_FIELD_DEPTH:
            return
        for ref in items:
            field = ref.get_object()
            part = field.get("/T")
            name = f"{prefix}.{part}" if prefix and part else str(part or prefix)
            if part is not None:
                names.add(name)
            if "/Kids" in field:
                walk(field["/Kids"], name, depth + 1)

    walk(form.get_object().get("/Fields", ()), "", 0)
    return names


def _signature_fields(writer: IncrementalPdfFileWriter) -> dict[str, bool]:
    """Every signature field of the document: name → already signed."""
    return {
        name: value is not None for name, value, _ref in fields.enumerate_sig_fields(writer.prev)
    }


def _base_name(appearance: Appearance | None) -> str:
    return "Seal" if appearance is not None and appearance.kind == "seal" else "Signature"


def _free_name(base: str, taken: set[str]) -> str:
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _field_name(
    writer: IncrementalPdfFileWriter, field_name: str | None, appearance: Appearance | None
) -> tuple[str, bool]:
    """The field to sign and whether it is an empty one already in the document.

    Without a name: the first empty "Signature<n>" (for a seal "Seal<n>" or `vcnet_seal`,
    see `appearances.number_fields_prepare`) field reserved earlier, else the first free such
    name for a new field. A new visible field after a certification would break it (pyHanko's
    difference analysis does not allow it), so that is refused.
    """
    existing = _field_names(writer)
    signature_fields = _signature_fields(writer)
    if field_name:
        if signature_fields.get(field_name):
            raise SigningError(_("This signature field is already signed; choose another field."))
        if field_name in existing and field_name not in signature_fields:
            raise SigningError(
                _("A form field with this name exists and is not a signature field.")
            )
        name, exists = field_name, field_name in signature_fields
    else:
        base = _base_name(appearance)
        for name, signed in signature_fields.items():
            reserved = re.fullmatch(rf"{base}\d+", name) or (base == "Seal" and name == SEAL_FIELD)
            if not signed and reserved:
                return name, True
        name, exists = _free_name(base, existing), False
    if appearance is not None and not exists and _certified(writer):
        raise SigningError(
            _(
                "The document's first signature certifies it, and no empty field was reserved "
                "for this visible signature; reserve it when certifying, or sign invisibly."
            )
        )
    return name, exists


def _certified(writer: IncrementalPdfFileWriter) -> bool:
    from pyhanko.sign.validation import read_certification_data

    return read_certification_data(writer.prev) is not None


# ---------------------------------------------------------------------------------------------
# Levels, timestamper and validation context


def _level(level: str | None) -> str:
    level = level or settings.SIGNING_LEVEL
    if level not in LEVELS:
        raise SigningError(_("Unknown signature level; use B-B, B-T, B-LT or B-LTA."))
    return level


def _timestamper(level: str, timestamper: TimeStamper | None) -> TimeStamper | None:
    if level == "B-B":
        return None
    if timestamper is not None:
        return timestamper
    from vcnet.signing import ca

    platform_timestamper: TimeStamper = ca.timestamper()
    return platform_timestamper


def _validation_context(
    level: str, validation_context: ValidationContext | None
) -> ValidationContext | None:
    if level not in ("B-LT", "B-LTA"):
        return None
    if validation_context is not None:
        return validation_context
    from vcnet.signing import ca

    platform_context: ValidationContext = ca.validation_context()
    return platform_context


def _metadata(
    *,
    level: str,
    field_name: str,
    certify: bool,
    reason: str,
    location: str,
    name: str,
    validation_context: ValidationContext | None,
) -> signers.PdfSignatureMetadata:
    long_term = level in ("B-LT", "B-LTA")
    return signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=DIGEST_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        reason=reason or None,
        location=location or None,
        name=name or None,
        embed_validation_info=long_term,
        use_pades_lta=level == "B-LTA",
        validation_context=validation_context,
    )


def _reserve_fields(
    writer: IncrementalPdfFileWriter,
    data: bytes,
    reserve: Sequence[Appearance],
    *,
    taken: set[str],
    anchor: fields.SigFieldSpec | None,
) -> None:
    """Add empty visible signature fields (the seal's) in the same update as this signature.

    After a certification signature, pyHanko's difference analysis (like the PDF rules)
    allows signing existing fields but not adding visible ones; so the leader's certifying
    update creates the seal's field, and the clerk's seal signature fills it. A seal without
    an `anchor_box` goes over the signature being made.
    """
    from vcnet.signing import appearances

    for item in reserve:
        if item.kind == "seal" and item.anchor_box is None and anchor and anchor.box:
            x1, y1, x2, y2 = anchor.box
            item = dataclasses.replace(
                item,
                anchor_box=(float(x1), float(y1), float(x2), float(y2)),
                page=anchor.on_page,
            )
        name = _free_name(_base_name(item), taken)
        taken.add(name)
        fields.append_signature_field(writer, appearances.field_spec(data, item, name=name))


def _pdf_signer(
    *,
    writer: IncrementalPdfFileWriter,
    data: bytes,
    meta: signers.PdfSignatureMetadata,
    signer: signers.Signer,
    timestamper: TimeStamper | None,
    appearance: Appearance | None,
    field_exists: bool,
    reserve: Sequence[Appearance],
) -> signers.PdfSigner:
    """pyHanko's PdfSigner for this signature, with its field (new or reserved) and stamp."""
    field_name = meta.field_name or ""
    style = None
    spec: fields.SigFieldSpec | None = None
    if appearance is not None:
        from vcnet.signing import appearances

        style = appearances.stamp_style(appearance)
        if not field_exists:
            spec = appearances.field_spec(data, appearance, name=field_name)
    elif not field_exists:
        spec = fields.SigFieldSpec(sig_field_name=field_name)
    if reserve:
        # This signature's own field first, so that viewers list the fields in signing order.
        anchor = spec
        if spec is not None:
            fields.append_signature_field(writer, spec)
            spec = None
        taken = _field_names(writer) | {field_name}
        _reserve_fields(writer, data, reserve, taken=taken, anchor=anchor)
    return signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=spec,
    )


# What pyHanko raises when it cannot sign: our errors pass through, the rest is translated.
_FAILURES = (
    SigningError,
    PyHankoSigningError,
    TimestampRequestError,
    misc.PdfError,
    ValueError,
    KeyError,
)


# pyHanko's messages are English and technical; the user gets ours, the log keeps theirs.
_CERT_INVALID = re.compile(r"could not be validated|certificate", re.IGNORECASE)


def _translate(exc: Exception) -> SigningError:
    if isinstance(exc, SigningError):
        return exc
    if isinstance(exc, misc.PdfError) and not isinstance(exc, PyHankoSigningError):
        return BadPdf(
            _("The PDF file is damaged (its structure cannot be read); it cannot be signed.")
        )
    if isinstance(exc, TimestampRequestError):
        return SigningError(
            _("The timestamping service did not answer; try again later or sign at level B-B.")
        )
    text = str(exc)
    if "Certification signatures must be the first" in text:
        return SigningError(
            _(
                "The document is already signed; a certifying signature must be the first "
                "signature of a document."
            )
        )
    if "forbids all changes" in text or "DocMDP" in text:
        return SigningError(
            _("The document's certification signature does not allow more signatures.")
        )
    if _CERT_INVALID.search(text):
        return SigningError(
            _(
                "The signing certificate could not be validated against the trusted roots "
                "(unknown issuer, revoked or missing revocation data)."
            )
        )
    return SigningError(_("The PDF could not be signed."))


# ---------------------------------------------------------------------------------------------
# One-step signing

# Room for the signature container, per signer object and timestamper kind. pyHanko otherwise
# estimates it for every file by building a throw-away signature (asn1crypto encoding), which
# costs as much as the real one; a batch reuses its signer, so the estimate is made once.
_RESERVED: weakref.WeakKeyDictionary[signers.Signer, dict[str, int]] = weakref.WeakKeyDictionary()
_RESERVE_MARGIN = 2048  # hex digits on top of pyHanko's own 50 % margin


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _reserved_size(signer: signers.Signer, timestamper: TimeStamper | None) -> int:
    """Hex digits to reserve for the CMS of `signer` (with a timestamp token when stamped)."""
    key = type(timestamper).__qualname__ if timestamper is not None else ""
    sizes = _RESERVED.setdefault(signer, {})
    if key not in sizes:

        async def dry_run() -> int:
            cms_object = await signer.async_sign(
                hashlib.sha256().digest(),
                DIGEST_ALGORITHM,
                use_pades=True,
                dry_run=True,
                timestamper=timestamper,
                signed_attr_settings=PdfCMSSignedAttributes(),
            )
            return len(cms_object.dump()) * 2

        size: int = _run(dry_run())
        sizes[key] = size + 2 * (size // 4) + _RESERVE_MARGIN  # even, as pyHanko requires
    return sizes[key]


@dataclasses.dataclass(frozen=True)
class _Setup:
    """What both ways of signing (key at hand, two-step) set up alike."""

    data: bytes
    writer: IncrementalPdfFileWriter
    level: str
    field_exists: bool
    timestamper: TimeStamper | None
    meta: signers.PdfSignatureMetadata
    appearance: Appearance | None
    reserve: Sequence[Appearance]

    def pdf_signer(self, signer: signers.Signer) -> signers.PdfSigner:
        return _pdf_signer(
            writer=self.writer,
            data=self.data,
            meta=self.meta,
            signer=signer,
            timestamper=self.timestamper,
            appearance=self.appearance,
            field_exists=self.field_exists,
            reserve=self.reserve,
        )


def _setup(
    data: bytes,
    *,
    level: str | None,
    field_name: str | None,
    appearance: Appearance | None,
    certify: bool,
    reason: str,
    location: str,
    name: str,
    timestamper: TimeStamper | None,
    validation_context: ValidationContext | None,
    reserve: Sequence[Appearance],
) -> _Setup:
    """Open the PDF, choose the field, and build the metadata of one signature."""
    level = _level(level)
    writer = pdf_open(data)
    name_of_field, field_exists = _field_name(writer, field_name, appearance)
    ts = _timestamper(level, timestamper)
    meta = _metadata(
        level=level,
        field_name=name_of_field,
        certify=certify,
        reason=reason,
        location=location,
        name=name,
        validation_context=_validation_context(level, validation_context),
    )
    return _Setup(data, writer, level, field_exists, ts, meta, appearance, reserve)


def pdf_sign(
    data: bytes,
    *,
    signer: signers.Signer,
    appearance: Appearance | None = None,
    level: str | None = None,
    certify: bool = False,
    field_name: str | None = None,
    reason: str = "",
    location: str = "",
    name: str = "",
    timestamper: TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
    reserve: Sequence[Appearance] = (),
) -> bytes:
    """Sign a PDF (PAdES, incremental update) with a signer whose key is at hand; return the PDF.

    `certify=True` makes a certification signature allowing form filling and further
    signatures (the leader's, so the clerk may write the number and date and add the seal);
    `reserve` adds empty visible fields in the same update (pass the unit's seal appearance
    when certifying, so that the visible seal can be added later: it fills "Seal1").
    Without `field_name` a reserved empty field of the appearance's kind is used, else a new
    "Signature<n>" / "Seal<n>". Raises BadPdf for an unreadable, truncated or encrypted file,
    SigningError otherwise.
    """
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
    try:
        pdf_signer = setup.pdf_signer(signer)
        output = pdf_signer.sign_pdf(
            setup.writer, bytes_reserved=_reserved_size(signer, setup.timestamper)
        )
    except _FAILURES as exc:
        raise _translate(exc) from exc
    return bytes(output.getbuffer())


# The two-step path lives in its own module; callers use `pades.pdf_sign_prepare` etc.
from vcnet.signing.pades_deferred import Prepared, pdf_sign_finish, pdf_sign_prepare  # noqa: E402
