"""Template helpers for what moderation shows on social pages: safe links and sanction badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def safe_href(url: Any) -> str:
    """`url` when it is a site path or an http(s) address, else "#" (no javascript: links)."""
    text = str(url or "").strip()
    if text.startswith("/") and not text.startswith("//"):
        return text
    if text.lower().startswith(("https://", "http://")):
        return text
    return "#"


@register.filter
def sanction(actor: Any) -> str:
    """ "banned", "suspended" (until a time still to come) or "" for a profile."""
    if getattr(actor, "banned_at", None) is not None:
        return "banned"
    until = getattr(actor, "suspended_until", None)
    if until is not None and until > timezone.now():
        return "suspended"
    return ""
