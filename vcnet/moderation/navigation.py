"""Moderation's entry in the launcher ("Kiểm duyệt"), shown to moderators only.

The launcher asks on every page, so whether someone moderates is cached a minute per person
(and kept on the request's user object), as the navigation registry asks.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from vcnet.core.navigation import LauncherEntry, launcher_register

CACHE_SECONDS = 60


def moderates(user: Any) -> bool:
    """Whether the person moderates anything (cached a minute per person)."""
    if not getattr(user, "is_authenticated", False):
        return False
    known = getattr(user, "_vcnet_moderates", None)
    if known is not None:
        return bool(known)
    key = f"moderation:launcher:{user.pk}"
    value = cache.get(key)
    if value is None:
        from vcnet.moderation.access import is_moderator

        value = is_moderator(user)
        cache.set(key, value, CACHE_SECONDS)
    user._vcnet_moderates = bool(value)
    return bool(value)


launcher_register(
    LauncherEntry(
        key="moderation",
        label=_("Moderation"),
        icon="check",
        url_name="moderation:queue",
        description=_("Reports, cases, appeals and moderator roles."),
        visible=moderates,
        order=40,
    )
)
