"""The assistant's entry in the launcher ("Trợ lý"), shown to everyone signed in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vcnet.core.navigation import LauncherEntry, launcher_register, signed_in

launcher_register(
    LauncherEntry(
        key="assistant",
        label=_("Assistant"),
        icon="social",
        url_name="assistant:index",
        description=_("Ask questions about documents and policies, with sources."),
        visible=signed_in,
        order=50,
    )
)
