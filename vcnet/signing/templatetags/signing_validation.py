"""Template helpers for validation reports (the badge on a document's files)."""

from __future__ import annotations

from typing import Any

from django import template

from vcnet.signing.validation import report_summary

register = template.Library()

BADGE_CLASSES = {
    "valid": "badge-success",
    "warning": "badge-warning",
    "invalid": "badge-danger",
    "error": "badge-danger",
    "unsigned": "",
}


@register.simple_tag
def validation_summary(report: Any) -> str:
    """The report's one-line summary in the reader's language ("2 chữ ký hợp lệ")."""
    if not report:
        return ""
    return report_summary(report.report)


@register.filter
def validation_badge_class(report: Any) -> str:
    return BADGE_CLASSES.get(getattr(report, "verdict", ""), "")
