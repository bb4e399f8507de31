"""The words of a validation report: what each code in a stored report says, in the reader's
language (`report_present`, `report_summary`). Reports keep codes, so a report stored by the
background worker reads in Vietnamese or English alike."""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext

__all__ = [
    "COVERAGES",
    "ERRORS",
    "MODIFICATIONS",
    "PERMISSIONS",
    "REASONS",
    "REVOCATIONS",
    "report_present",
    "report_summary",
]

# What each reason code says (English msgids; shown in the reader's language).
REASONS: dict[str, Any] = {
    "broken": gettext_lazy(
        "The signed content does not match the signature: the file was damaged or altered."
    ),
    "bad_signature": gettext_lazy("The signature value is not cryptographically valid."),
    "unreadable": gettext_lazy("The signature could not be read."),
    "untrusted": gettext_lazy("The certificate chain does not lead to a trusted root."),
    "expired": gettext_lazy("The signer's certificate had expired or was not yet valid."),
    "key_usage": gettext_lazy("The signer's certificate is not meant for signing."),
    "revoked": gettext_lazy("The signer's certificate has been revoked."),
    "revocation_unknown": gettext_lazy(
        "Whether the signer's certificate was revoked could not be checked."
    ),
    "modified": gettext_lazy("The content was changed after signing."),
    "not_permitted": gettext_lazy(
        "Changes were made after signing that the certifying signature does not allow."
    ),
    "partial_coverage": gettext_lazy("The signature does not cover the whole document."),
    "timestamp_invalid": gettext_lazy("The signature timestamp is not valid."),
    "timestamp_untrusted": gettext_lazy("The signature timestamp is from an untrusted authority."),
}

# What changed after a signature (pyHanko's difference analysis, ModificationLevel).
MODIFICATIONS: dict[str, Any] = {
    "none": gettext_lazy("Nothing has changed since this signature."),
    "lta_updates": gettext_lazy("Only validation data and timestamps were added after signing."),
    "form_filling": gettext_lazy("Only form filling and further signatures after signing."),
    "annotations": gettext_lazy("Only comments and annotations were added after signing."),
    "other": gettext_lazy("The content was changed after signing."),
    "unknown": gettext_lazy("What changed after signing could not be determined."),
}

COVERAGES: dict[str, Any] = {
    "entire_file": gettext_lazy("The entire file"),
    "entire_revision": gettext_lazy("The entire revision it signed"),
    "partial": gettext_lazy("Part of the file only"),
}

ERRORS: dict[str, Any] = {
    "empty": gettext_lazy("The file is empty."),
    "not_pdf": gettext_lazy("The file is not a PDF."),
    "encrypted": gettext_lazy(
        "The PDF is protected by a password, so its signatures cannot be checked."
    ),
    "truncated": gettext_lazy("The PDF is incomplete (truncated); ask the sender for it again."),
    "malformed": gettext_lazy("The PDF is damaged and cannot be read."),
}

REVOCATIONS: dict[str, Any] = {
    "good": gettext_lazy("Not revoked"),
    "revoked": gettext_lazy("Revoked"),
    "unknown": gettext_lazy("Unknown"),
}

PERMISSIONS: dict[int, Any] = {
    1: gettext_lazy("No changes allowed"),
    2: gettext_lazy("Form filling and signing allowed"),
    3: gettext_lazy("Form filling, signing and comments allowed"),
}


def report_summary(report: dict[str, Any]) -> str:
    """One line in the active language: "2 valid signatures", "The file has no signature"."""
    verdict = report.get("verdict")
    total = int(report.get("signature_count", 0))
    valid = int(report.get("valid_count", 0))
    if verdict == "error":
        return str(ERRORS.get(report.get("error", ""), ERRORS["malformed"]))
    if verdict == "unsigned":
        return gettext("The file has no digital signature.")
    if verdict == "valid":
        return ngettext("%(n)d valid signature", "%(n)d valid signatures", valid) % {"n": valid}
    if verdict == "warning":
        return ngettext(
            "%(n)d signature needs checking",
            "%(n)d signatures need checking",
            total - valid,
        ) % {"n": total - valid} + (
            " · " + ngettext("%(n)d valid", "%(n)d valid", valid) % {"n": valid} if valid else ""
        )
    invalid = sum(1 for s in report.get("signatures", []) if s.get("verdict") == "invalid")
    if invalid == 0:
        return gettext("A document timestamp is not valid.")
    return ngettext("%(n)d invalid signature", "%(n)d invalid signatures", invalid) % {"n": invalid}


def _present_entry(entry: dict[str, Any]) -> None:
    entry["reason_texts"] = [str(REASONS.get(code, code)) for code in entry.get("reasons", [])]
    mods = entry.get("modifications") or {}
    mods["description"] = str(MODIFICATIONS.get(mods.get("level", "unknown"), ""))
    entry["coverage_text"] = str(COVERAGES.get(entry.get("coverage", ""), ""))
    if "revocation" in entry:
        entry["revocation_text"] = str(REVOCATIONS.get(entry["revocation"], ""))
    level = entry.get("certification")
    entry["certification_text"] = str(PERMISSIONS.get(level, "")) if level else ""


def report_present(report: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored report with its sentences in the active language."""
    shown = copy.deepcopy(report)
    shown["summary"] = report_summary(report)
    shown["error_message"] = (
        str(ERRORS.get(report.get("error", ""), "")) if report.get("error") else ""
    )
    for entry in shown.get("signatures", []):
        _present_entry(entry)
    for entry in shown.get("document_timestamps", []):
        _present_entry(entry)
    return shown
