"""The registered applications a person may open, as launcher entries (a core navigation provider)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from vcnet.core.navigation import LauncherEntry
from vcnet.sso.selectors import launcher_apps


def launcher_apps_entries(user: Any) -> list[LauncherEntry]:
    """One launcher tile per application `user` may open (cached a minute per person)."""
    return [
        LauncherEntry(
            key=f"sso-app-{app['id']}",
            label=app["name"],
            icon=app["icon"],
            url=reverse("sso:open", args=[app["id"]]),
            description=app["description"],
            order=500,
            external=True,
        )
        for app in launcher_apps(user)
    ]
