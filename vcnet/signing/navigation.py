"""Digital signatures in the launcher: "My signature" (certificates, images, validation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vcnet.core.navigation import LauncherEntry, launcher_register, signed_in

launcher_register(
    LauncherEntry(
        key="signing",
        label=_("Digital signatures"),
        icon="key",
        url_name="signing:certificates",
        description=_("Your signing certificates, signature images, and checking signed PDFs."),
        visible=signed_in,
        order=40,
    )
)
