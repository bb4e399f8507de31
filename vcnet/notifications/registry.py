"""The kinds of notification people can tune on their settings page, with their labels."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise

_KINDS: dict[str, str | Promise] = {}


def notification_kinds_register(mapping: Mapping[str, str | Promise]) -> None:
    """Add kinds (`"app.what"` -> translatable label) to the settings page; apps call it in ready()."""
    _KINDS.update(mapping)


def notification_kinds() -> dict[str, str | Promise]:
    """Every registered kind with its label, in registration order."""
    return dict(_KINDS)
