"""Validation of the signatures in a PDF, and the stored report per document file.

`pdf_validate(data)` runs pyHanko's validation on every embedded signature (and document
timestamp) against the platform's validation context (`ca.validation_context()`: the trusted
roots, the platform CRL and OCSP), and returns a JSON-ready report. The report holds codes, not
sentences: `report_present()` turns them into text in the reader's language, so a report stored
by the worker in Vietnamese reads in English for an English reader.

Verdicts: "valid" (every signature intact, trusted, not revoked, and nothing changed after it but
what is allowed), "warning" (intact but not trusted or revocation unknown), "invalid" (broken,
modified, revoked), "unsigned", "error" (not a readable PDF).
"""

from __future__ import annotations

import copy
import hashlib
import io
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.core.audit import audit_write
from vcnet.core.errors import NotFound, PermissionDeniedError
from vcnet.signing.errors import BadPdf
from vcnet.signing.models import Certificate, TrustedRoot, ValidationReport
from vcnet.signing.validation_text import ERRORS, report_present, report_summary

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko_certvalidator import ValidationContext

    from vcnet.accounts.models import User
    from vcnet.documents.models import DocumentFile

log = logging.getLogger(__name__)

__all__ = [
    "file_for_user",
    "pdf_validate",
    "report_for_file",
    "report_for_user",
    "report_present",
    "report_store",
    "report_summary",
    "report_upload",
    "validate_on_commit",
]

# A stored report for the same bytes is reused while the trust settings and revocations are the
# same and it is this young (a document delivered to fifty units is validated once).
REUSE_FOR = timedelta(hours=24)

INVALID_REASONS = {
    "broken",
    "bad_signature",
    "unreadable",
    "revoked",
    "modified",
    "not_permitted",
    "partial_coverage",
    "timestamp_invalid",
}


# --- Validation of bytes ------------------------------------------------------------------------
def _default_context() -> ValidationContext:
    from vcnet.signing import ca

    return ca.validation_context()


def _dt(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _cert_info(cert: asn1_x509.Certificate) -> dict[str, Any]:
    return {
        "subject": cert.subject.human_friendly,
        "common_name": str(cert.subject.native.get("common_name", "") or ""),
        "issuer": cert.issuer.human_friendly,
        "serial": format(cert.serial_number, "x"),
        "not_before": _dt(cert.not_valid_before),
        "not_after": _dt(cert.not_valid_after),
        "fingerprint": cert.sha256.hex(),
    }


def _chain(status: Any, embedded: EmbeddedPdfSignature) -> tuple[list[dict[str, Any]], bool]:
    """The certificates from the signer up to the root, and whether it ends in a trusted root."""
    path = getattr(status, "validation_path", None)
    if path is not None and status.trusted:
        certs = list(path.iter_certs(include_root=True))
        certs.reverse()
        chain = [_cert_info(c) for c in certs]
        if chain:
            chain[-1]["trusted_root"] = True
        return chain, True
    # No path to a trusted root: follow the issuers among the certificates the signature carries.
    pool = list(embedded.other_embedded_certs)
    cert = embedded.signer_cert
    chain = [_cert_info(cert)]
    seen = {cert.sha256}
    while cert.issuer != cert.subject:
        issuer = next(
            (c for c in pool if c.subject == cert.issuer and c.sha256 not in seen),
            None,
        )
        if issuer is None:
            break
        cert = issuer
        seen.add(cert.sha256)
        chain.append(_cert_info(cert))
    return chain, False


def _coverage(level: Any) -> str:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if level == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire_file"
    if level == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire_revision"
    return "partial"


def _modifications(status: Any) -> dict[str, Any]:
    from pyhanko.sign.diff_analysis import DiffResult

    level = status.modification_level
    code = level.name.lower() if level is not None else "unknown"
    detail = ""
    if status.diff_result is not None and not isinstance(status.diff_result, DiffResult):
        detail = str(status.diff_result)[:500]
    return {"level": code, "docmdp_ok": status.docmdp_ok, "detail": detail}


def _revocation(status: Any, context: ValidationContext) -> str:
    """good / revoked / unknown, from what the validation found and the revocation data it had
    (the platform CRL, OCSP responses)."""
    if status.revoked:
        return "revoked"
    if status.validation_path is None:
        return "unknown"
    from pyhanko.sign.ades.report import AdESIndeterminate

    if status.trust_problem_indic == AdESIndeterminate.TRY_LATER:
        return "unknown"
    if context.soft_fail_exceptions:
        return "unknown"
    cert = status.signing_cert
    for crl in context.crls:
        tbs = crl["tbs_cert_list"]
        if tbs["issuer"] != cert.issuer:
            continue
        listed = {entry["user_certificate"].native for entry in (tbs["revoked_certificates"] or [])}
        return "revoked" if cert.serial_number in listed else "good"
    for response in context.ocsps:
        try:
            basic = response["response_bytes"]["response"].parsed
            for single in basic["tbs_response_data"]["responses"]:
                if single["cert_id"]["serial_number"].native == cert.serial_number:
                    return "good" if single["cert_status"].name == "good" else "revoked"
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
    return "unknown"


def _timestamp(status: Any) -> dict[str, Any] | None:
    tst = status.timestamp_validity
    if tst is None:
        return None
    cert = tst.signing_cert
    return {
        "time": _dt(tst.timestamp),
        "authority": cert.subject.human_friendly if cert is not None else "",
        "intact": bool(tst.intact and tst.valid),
        "trusted": bool(tst.trusted),
    }


def _trust_reason(indic: Any) -> str:
    name = getattr(indic, "name", "")
    if name in ("EXPIRED", "NOT_YET_VALID", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return "expired"
    if name in ("REVOKED", "REVOKED_NO_POE", "REVOKED_CA_NO_POE"):
        return "revoked"
    if name == "TRY_LATER":
        return "revocation_unknown"
    if name in ("CHAIN_CONSTRAINTS_FAILURE",):
        return "key_usage"
    return "untrusted"


def _sig_entry(
    reader: PdfFileReader,
    embedded: EmbeddedPdfSignature,
    context_factory: Callable[[], ValidationContext],
) -> dict[str, Any]:
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
    from pyhanko.sign.validation import validate_pdf_signature

    sig = embedded.sig_object
    entry: dict[str, Any] = {
        "field": embedded.field_name or "",
        "kind": "signature",
        "revision": embedded.signed_revision,
        "reason": str(sig.get("/Reason", "") or ""),
        "location": str(sig.get("/Location", "") or ""),
        "subfilter": str(sig.get("/SubFilter", "") or "").lstrip("/"),
        "certification": None,
        "signer": "",
        "subject": "",
        "issuer": "",
        "serial": "",
        "chain": [],
        "trusted": False,
        "intact": False,
        "valid": False,
        "signed_at": None,
        "timestamp": None,
        "level": "",
        "coverage": "partial",
        "modifications": {"level": "unknown", "docmdp_ok": None, "detail": ""},
        "revocation": "unknown",
        "reasons": [],
        "verdict": "invalid",
        "detail": "",
    }
    try:
        docmdp = embedded.docmdp_level
        if docmdp is not None:
            entry["certification"] = int(docmdp.value)
        cert = embedded.signer_cert
        info = _cert_info(cert)
        entry.update(
            signer=info["common_name"] or info["subject"],
            subject=info["subject"],
            issuer=info["issuer"],
            serial=info["serial"],
        )
        context = context_factory()
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            diff_policy=DEFAULT_DIFF_POLICY,
        )
    except Exception as exc:  # pyHanko raises many kinds on a damaged signature
        log.info("signature %s unreadable: %s", embedded.field_name, exc)
        entry["reasons"] = ["unreadable"]
        entry["detail"] = str(exc)[:500]
        return entry
    entry["chain"], _anchored = _chain(status, embedded)
    entry["intact"] = bool(status.intact)
    entry["valid"] = bool(status.valid)
    entry["trusted"] = bool(status.trusted)
    entry["signed_at"] = _dt(status.signer_reported_dt)
    entry["timestamp"] = _timestamp(status)
    entry["coverage"] = _coverage(status.coverage)
    entry["modifications"] = _modifications(status)
    entry["revocation"] = _revocation(status, context)
    reasons: list[str] = []
    if not status.intact:
        reasons.append("broken")
    elif not status.valid:
        reasons.append("bad_signature")
    if entry["revocation"] == "revoked":
        reasons.append("revoked")
    elif not status.trusted and status.intact and status.valid:
        reason = _trust_reason(status.trust_problem_indic)
        if reason not in reasons:
            reasons.append(reason)
    if entry["revocation"] == "unknown" and status.trusted:
        reasons.append("revocation_unknown")
    level = entry["modifications"]["level"]
    if level == "other":
        reasons.append("modified")
    elif status.docmdp_ok is False:
        reasons.append("not_permitted")
    if entry["coverage"] == "partial":
        reasons.append("partial_coverage")
    tst = entry["timestamp"]
    if tst is not None:
        if not tst["intact"]:
            reasons.append("timestamp_invalid")
        elif not tst["trusted"]:
            reasons.append("timestamp_untrusted")
    entry["reasons"] = reasons
    if any(r in INVALID_REASONS for r in reasons):
        entry["verdict"] = "invalid"
    elif reasons:
        entry["verdict"] = "warning"
    else:
        entry["verdict"] = "valid"
    return entry


def _doc_timestamp_entry(
    embedded: EmbeddedPdfSignature, context_factory: Callable[[], ValidationContext]
) -> dict[str, Any]:
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
    from pyhanko.sign.validation import validate_pdf_timestamp

    entry: dict[str, Any] = {
        "field": embedded.field_name or "",
        "kind": "document_timestamp",
        "revision": embedded.signed_revision,
        "authority": "",
        "time": None,
        "intact": False,
        "trusted": False,
        "coverage": "partial",
        "modifications": {"level": "unknown", "docmdp_ok": None, "detail": ""},
        "reasons": [],
        "verdict": "invalid",
        "detail": "",
    }
    try:
        status = validate_pdf_timestamp(
            embedded, validation_context=context_factory(), diff_policy=DEFAULT_DIFF_POLICY
        )
    except Exception as exc:
        entry["reasons"] = ["unreadable"]
        entry["detail"] = str(exc)[:500]
        return entry
    cert = status.signing_cert
    entry.update(
        authority=cert.subject.human_friendly if cert is not None else "",
        time=_dt(status.timestamp),
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        coverage=_coverage(status.coverage),
        modifications=_modifications(status),
    )
    reasons = []
    if not entry["intact"]:
        reasons.append("broken")
    elif not entry["trusted"]:
        reasons.append("timestamp_untrusted")
    if entry["modifications"]["level"] == "other":
        reasons.append("modified")
    entry["reasons"] = reasons
    entry["verdict"] = (
        "invalid"
        if any(r in INVALID_REASONS for r in reasons)
        else ("warning" if reasons else "valid")
    )
    return entry


def _has_revinfo(reader: PdfFileReader) -> bool:
    try:
        dss = reader.root.get("/DSS")
        if dss is None:
            return False
        dss = dss.get_object()
        return bool(dss.get("/CRLs") or dss.get("/OCSPs") or dss.get("/VRI"))
    except Exception:
        return False


def _levels(signatures: list[dict[str, Any]], timestamps: list[dict[str, Any]], lt: bool) -> None:
    """PAdES baseline level of each signature: B-B, with a signature timestamp B-T, with
    validation data in the document B-LT, with a later valid document timestamp B-LTA."""
    for entry in signatures:
        if entry["subfilter"] != "ETSI.CAdES.detached":
            entry["level"] = "PKCS#7"
            continue
        if entry["timestamp"] is None:
            entry["level"] = "B-B"
            continue
        level = "B-T"
        if lt:
            level = "B-LT"
            if any(
                t["revision"] > entry["revision"] and t["verdict"] != "invalid" for t in timestamps
            ):
                level = "B-LTA"
        entry["level"] = level


def _error(code: str, detail: str = "") -> dict[str, Any]:
    return {
        "verdict": "error",
        "error": code,
        "detail": detail[:500],
        "signatures": [],
        "document_timestamps": [],
        "signature_count": 0,
        "valid_count": 0,
        "summary": str(ERRORS[code]),
    }


def _open(data: bytes) -> PdfFileReader | dict[str, Any]:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not data:
        return _error("empty")
    head = data[:1024]
    if b"%PDF-" not in head:
        return _error("not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return _error("encrypted")
        # Touch the structure now so damage shows here, not halfway through.
        reader.root.get("/AcroForm")
        reader.xrefs.total_revisions  # noqa: B018
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        tail = data[-1024:]
        code = "truncated" if b"%%EOF" not in tail else "malformed"
        return _error(code, str(exc))
    except Exception as exc:
        log.info("unreadable PDF: %s", exc)
        return _error("malformed", str(exc))
    return reader


def pdf_validate(
    data: bytes, *, context_factory: Callable[[], ValidationContext] | None = None
) -> dict[str, Any]:
    """The validation report of every signature in `data` (see the module's docstring).

    Never raises on bad input: a file that is not a readable PDF gives verdict "error".
    `context_factory` makes a fresh pyHanko ValidationContext per signature (default: the
    platform's, `ca.validation_context()`).
    """
    factory = context_factory or _default_context
    opened = _open(data)
    if isinstance(opened, dict):
        return opened
    reader = opened
    from pyhanko.sign.validation.pdf_embedded import collect_embedded_signatures

    try:
        embedded_all = collect_embedded_signatures(reader)
    except Exception as exc:
        log.info("signature fields unreadable: %s", exc)
        return _error("malformed", str(exc))
    signatures: list[dict[str, Any]] = []
    timestamps: list[dict[str, Any]] = []
    for embedded in embedded_all:
        if embedded.sig_object_type == "/DocTimeStamp":
            timestamps.append(_doc_timestamp_entry(embedded, factory))
        else:
            signatures.append(_sig_entry(reader, embedded, factory))
    _levels(signatures, timestamps, _has_revinfo(reader))
    report: dict[str, Any] = {
        "signatures": signatures,
        "document_timestamps": timestamps,
        "signature_count": len(signatures),
        "valid_count": sum(1 for s in signatures if s["verdict"] == "valid"),
        "error": "",
        "detail": "",
    }
    verdicts = {s["verdict"] for s in signatures} | {t["verdict"] for t in timestamps}
    if not signatures:
        report["verdict"] = "invalid" if "invalid" in verdicts else "unsigned"
    elif "invalid" in verdicts:
        report["verdict"] = "invalid"
    elif "warning" in verdicts:
        report["verdict"] = "warning"
    else:
        report["verdict"] = "valid"
    report["summary"] = report_summary(report)
    return report


# --- Stored reports -----------------------------------------------------------------------------
def context_key() -> str:
    """Changes whenever a validation could come out differently: trusted roots added or
    withdrawn, certificates revoked."""
    roots = sorted(TrustedRoot.objects.filter(active=True).values_list("fingerprint", flat=True))
    revoked = Certificate.objects.filter(status=Certificate.Status.REVOKED).aggregate(
        m=Max("revoked_at")
    )["m"]
    revoked_n = Certificate.objects.filter(status=Certificate.Status.REVOKED).count()
    raw = "|".join([*roots, str(revoked), str(revoked_n)])
    return hashlib.sha256(raw.encode()).hexdigest()


def _reusable(sha256: str, key: str) -> ValidationReport | None:
    since = timezone.now() - REUSE_FOR
    for candidate in ValidationReport.objects.filter(sha256=sha256, created_at__gte=since).order_by(
        "-created_at"
    )[:5]:
        if candidate.report.get("context_key") == key and candidate.verdict != "error":
            return candidate
    return None


def report_store(
    *,
    data: bytes,
    document_file: DocumentFile | None = None,
    actor: User | None = None,
    file_name: str = "",
    reuse: bool = True,
) -> ValidationReport:
    """Validate `data` and keep the report: for a document file (one report per file version,
    replaced when recomputed) or an upload to the validation page (kept for its uploader)."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = context_key()
    previous = _reusable(sha256, key) if reuse else None
    if previous is not None:
        report = copy.deepcopy(previous.report)
    else:
        report = pdf_validate(data)
        report["context_key"] = key
    report["sha256"] = sha256
    report["validated_at"] = timezone.now().isoformat()
    fields = {
        "sha256": sha256,
        "file_name": (file_name or (document_file.name if document_file else ""))[:200],
        "requested_by": actor,
        "signature_count": min(int(report.get("signature_count", 0)), 32767),
        "valid_count": min(int(report.get("valid_count", 0)), 32767),
        "verdict": str(report["verdict"]),
        "report": report,
        "created_at": timezone.now(),
    }
    with transaction.atomic():
        if document_file is not None:
            stored, _created = ValidationReport.objects.update_or_create(
                document_file=document_file, defaults=fields
            )
        else:
            stored = ValidationReport.objects.create(**fields)
        if actor is not None:
            audit_write(
                actor=actor,
                action="signing.validate",
                obj=stored,
                data={"verdict": stored.verdict, "sha256": sha256},
            )
    return stored


def report_for_file(document_file: DocumentFile, *, refresh: bool = False) -> ValidationReport:
    """The stored report of a document file version; computed now if missing (or `refresh`)."""
    if not refresh:
        existing = ValidationReport.objects.filter(document_file=document_file).first()
        if existing is not None:
            return existing
    with document_file.file.open("rb") as handle:
        data = handle.read()
    return report_store(data=data, document_file=document_file, reuse=not refresh)


def validate_on_commit(document_file_id: int) -> None:
    """Validate a document file in the background once the current transaction commits."""
    from vcnet.signing.tasks import validate_file

    transaction.on_commit(lambda: validate_file.enqueue(document_file_id=document_file_id))


# --- Uploads to the validation page and who may read a report ----------------------------------
def report_upload(*, actor: User, data: bytes, file_name: str = "") -> ValidationReport:
    """Anyone signed in validates a PDF of their own; the report is kept for them alone.

    Empty, oversized and non-PDF files are refused (nothing stored); a PDF that cannot be read
    (encrypted, truncated, damaged) gives a report with verdict "error" and the reason.
    """
    from vcnet.documents.services.common import max_upload_bytes

    if not actor.is_authenticated:
        raise PermissionDeniedError(_("Sign in to check a signed PDF."))
    limit = max_upload_bytes()
    if not data:
        raise BadPdf(_("The file is empty."))
    if len(data) > limit:
        raise BadPdf(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    if b"%PDF-" not in data[:1024]:
        raise BadPdf(_("Only PDF files can be checked."))
    name = (file_name or "").replace("/", "_").replace("\\", "_")[-200:]
    return report_store(data=data, actor=actor, file_name=name)


def report_for_user(user: User, report_id: int) -> ValidationReport:
    """A report `user` may read: their own upload, or a report of a file of a document they may
    read. NotFound otherwise, so nobody learns it exists."""
    from vcnet.documents.access import document_for_user

    if not user.is_authenticated:
        raise NotFound(_("Validation report not found."))
    report = ValidationReport.objects.select_related("document_file").filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("Validation report not found."))
    if report.document_file is not None:
        try:
            document_for_user(user, report.document_file.document_id)
        except NotFound:
            raise NotFound(_("Validation report not found.")) from None
        return report
    if report.requested_by_id is None or report.requested_by_id != user.pk:
        raise NotFound(_("Validation report not found."))
    return report


def file_for_user(user: User, document_file_id: int) -> DocumentFile:
    """A PDF file of a document `user` may read (NotFound otherwise)."""
    from vcnet.documents.access import document_for_user
    from vcnet.documents.models import DocumentFile

    stored = DocumentFile.objects.filter(pk=document_file_id).first()
    if stored is None:
        raise NotFound(_("File not found."))
    document_for_user(user, stored.document_id)
    if stored.content_type != "application/pdf":
        raise BadPdf(_("Only PDF files can be checked."))
    return stored
