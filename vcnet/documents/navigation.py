"""The e-office in the launcher and the main navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vcnet.core.navigation import LauncherEntry, launcher_register


def _signed_in(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


launcher_register(
    LauncherEntry(
        key="documents",
        label=_("Documents"),
        icon="documents",
        url_name="documents:inbox",
        description=_("Incoming and outgoing official documents, your work and deadlines."),
        visible=_signed_in,
        order=30,
        in_main_nav=True,
    )
)
