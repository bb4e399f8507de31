"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from vcnet.core.navigation import launcher_entries, main_nav_entries


def site(request: HttpRequest) -> dict[str, Any]:
    """Site settings, the launcher's entries and the main menu, worked out only when used."""
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "SITE_URL": settings.SITE_URL,
        "DEBUG": settings.DEBUG,
        "NOTIFICATIONS_STREAM_URL": getattr(settings, "NOTIFICATIONS_STREAM_URL", ""),
        "launcher": SimpleLazyObject(lambda: launcher_entries(user)),
        "main_nav": SimpleLazyObject(lambda: main_nav_entries(user)),
    }
