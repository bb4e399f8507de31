"""From the text read to the register's fields: the extraction, normalised, and the values the
receive form starts with (each with the machine's confidence).

`vcnet.digitize.extract.fields_extract` (its own module) reads the fields; here its answer is
stored as plain JSON (`{"code_number": {"value": "15", "confidence": 0.97}, ...}`) and turned
into the values `IncomingFields` takes: a document type by its abbreviation or name, urgency and
confidentiality marks as their codes, an ISO date as a date, texts cut to the field lengths.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone

from vcnet.core.text import fold, nfc
from vcnet.documents.models import Confidentiality, DocumentType, Priority

log = logging.getLogger(__name__)

# The fields `fields_extract` reads (see the contracts), in the order the review form shows them.
EXTRACTED = (
    "organ_name",
    "code_number",
    "code_notation",
    "place",
    "issued_date",
    "doc_type",
    "subject",
    "signer_position",
    "signer_name",
    "recipients",
    "urgency",
    "confidentiality",
)
# Form field → the extracted field it starts from: the same name, but the urgency mark fills
# the priority; the recipients are shown, not a field of the form.
FORM_SOURCE = {
    ("priority" if name == "urgency" else name): name for name in EXTRACTED if name != "recipients"
}
LIMITS = {
    "organ_name": 200,
    "code_number": 11,
    "code_notation": 30,
    "place": 50,
    "subject": 500,
    "signer_position": 100,
    "signer_name": 50,
}
# Below this confidence a field is highlighted for the registry to check.
LOW_CONFIDENCE = 0.8

URGENCY_MARKS = {
    "hoa toc hen gio": Priority.EXPRESS_TIMED,
    "hoa toc": Priority.EXPRESS,
    "thuong khan": Priority.VERY_URGENT,
    "khan": Priority.URGENT,
}
SECRECY_MARKS = {
    "tuyet mat": Confidentiality.ABSOLUTE_SECRET,
    "toi mat": Confidentiality.TOP_SECRET,
    "mat": Confidentiality.SECRET,
}


def extraction_read(text: str) -> dict[str, dict[str, Any]]:
    """The fields read from `text` as JSON; empty (never an error) when extraction fails."""
    try:
        from vcnet.digitize.extract import fields_extract

        extraction = fields_extract(text)
    except Exception:  # a bug in reading fields must not lose the OCR work
        log.exception("field extraction failed")
        return {}
    return extraction_json(extraction)


def extraction_json(extraction: Any) -> dict[str, dict[str, Any]]:
    """`Extraction` (or its `as_dict()`) as {field: {"value": str, "confidence": float}}."""
    raw: Any = extraction
    if hasattr(extraction, "as_dict"):
        raw = extraction.as_dict()
    result: dict[str, dict[str, Any]] = {}
    for name in EXTRACTED:
        item = raw.get(name) if isinstance(raw, dict) else getattr(raw, name, None)
        if item is None and not isinstance(raw, dict):
            item = getattr(extraction, name, None)
        value, confidence = _value_of(item)
        result[name] = {"value": value, "confidence": confidence}
    return result


def _value_of(item: Any) -> tuple[str, float]:
    """(value, confidence) of a Field, a {"value", "confidence"} dict, a list of them, or text."""
    if item is None:
        return "", 0.0
    if isinstance(item, list | tuple):
        parts = [_value_of(part) for part in item]
        values = [value for value, _conf in parts if value]
        confidences = [conf for value, conf in parts if value]
        return "\n".join(values), min(confidences) if confidences else 0.0
    if isinstance(item, dict):
        value, confidence = item.get("value"), item.get("confidence", 0.0)
    elif hasattr(item, "value"):
        value, confidence = item.value, getattr(item, "confidence", 0.0)
    else:
        value, confidence = item, 1.0
    if isinstance(value, list | tuple):
        value = "\n".join(str(part) for part in value if part)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    try:
        number = float(confidence or 0.0)
    except (TypeError, ValueError):
        number = 0.0
    return nfc(str(value or "")).strip(), max(0.0, min(number, 1.0))


def doc_type_match(value: str) -> DocumentType | None:
    """The document type an abbreviation ("QĐ", "CV") or a name ("Quyết định") stands for."""
    value = nfc(value or "").strip()
    if not value:
        return None
    found = (
        DocumentType.objects.filter(
            Q(abbreviation__iexact=value)
            | Q(party_abbreviation__iexact=value)
            | Q(name__iexact=value)
            | Q(code__iexact=value)
        )
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    folded = fold(value)
    for candidate in DocumentType.objects.order_by("pk"):
        if fold(candidate.name) == folded:
            return candidate
    return None


def mark_code(value: str, marks: Mapping[str, int]) -> int:
    """The code of an urgency or secrecy mark as printed ("HỎA TỐC", "Mật"); 0 when none."""
    folded = " " + " ".join("".join(c if c.isalnum() else " " for c in fold(value or "")).split())
    for mark, code in marks.items():  # longest marks first: "hoa toc hen gio" before "hoa toc"
        if f" {mark} " in folded + " ":
            return int(code)
    return 0


def date_value(value: str) -> dt.date | None:
    """An ISO date that is not in the future, or None."""
    try:
        day = dt.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None
    return day if day <= timezone.localdate() else None


def form_initial(extraction: dict[str, Any]) -> dict[str, Any]:
    """The receive form's starting values from the stored extraction."""

    def value(name: str) -> str:
        item = extraction.get(name) or {}
        return str(item.get("value") or "") if isinstance(item, dict) else ""

    initial: dict[str, Any] = {}
    for field, limit in LIMITS.items():
        text = " ".join(value(FORM_SOURCE[field]).split())
        if text:
            initial[field] = text[:limit]
    day = date_value(value("issued_date"))
    if day is not None:
        initial["issued_date"] = day
    doc_type = doc_type_match(value("doc_type"))
    if doc_type is not None:
        initial["doc_type"] = doc_type.pk
    initial["priority"] = mark_code(value("urgency"), URGENCY_MARKS)
    initial["confidentiality"] = mark_code(value("confidentiality"), SECRECY_MARKS)
    return initial


def form_confidence(extraction: dict[str, Any]) -> dict[str, float | None]:
    """Each form field's confidence (None when nothing was read for it)."""
    result: dict[str, float | None] = {}
    for field, source in FORM_SOURCE.items():
        item = extraction.get(source) or {}
        if isinstance(item, dict) and item.get("value"):
            result[field] = float(item.get("confidence") or 0.0)
        else:
            result[field] = None
    return result
