"""The social network's entry in the launcher and the main menu."""

from django.utils.translation import gettext_lazy as _

from vcnet.core.navigation import LauncherEntry, everyone, launcher_register

launcher_register(
    LauncherEntry(
        key="social",
        label=_("Social network"),
        icon="social",
        url_name="social:home",
        visible=everyone,
        order=10,
        in_main_nav=True,
    )
)
