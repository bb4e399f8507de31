"""The application launcher and main navigation: a small registry that apps add entries to.

An app registers its entries once, from its `AppConfig.ready()` (or at import of this module
for the kernel's own pages):

    from vcnet.core.navigation import LauncherEntry, launcher_register

    launcher_register(LauncherEntry(
        key="documents", label=_("Documents"), icon="documents", url_name="documents:index",
        visible=is_official, order=20, in_main_nav=True,
    ))

`icon` names a `<symbol>` in `core/static/core/icons.svg`. `visible` is a predicate on the
user; it runs on every page, so it must not query the database (use attributes already on the
user, or cache what it needs). Entries whose URL does not resolve are left out quietly, so an
app that is switched off never breaks the page.

Entries that depend on who is asking (the registered applications a person may open, from
`vcnet.sso`) come from providers: `launcher_provider_register(fn)`, where `fn(user)` returns a
list of `LauncherEntry`. Providers run when the launcher is drawn (on every page), so they must
be cheap: cache per user. They are not asked for the main menu.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

UserPredicate = Callable[[Any], bool]


def everyone(user: Any) -> bool:
    """Visible to anyone, signed in or not."""
    return True


def signed_in(user: Any) -> bool:
    """Visible to people who have signed in."""
    return bool(user.is_authenticated)


def staff_only(user: Any) -> bool:
    """Visible to people who may open the administration site."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@dataclass(frozen=True)
class LauncherEntry:
    """One application a person may open from the launcher (and, optionally, the main menu)."""

    key: str
    label: str | Promise
    icon: str
    url_name: str = ""
    url: str = ""
    description: str | Promise = ""
    visible: UserPredicate = everyone
    order: int = 100
    in_main_nav: bool = False
    external: bool = False

    def href(self) -> str | None:
        """The entry's address, or None when its URL name does not resolve."""
        if self.url:
            return self.url
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            logger.debug("launcher entry %s: no URL named %s", self.key, self.url_name)
            return None


@dataclass(frozen=True)
class ResolvedEntry:
    """A launcher entry with its address worked out, ready for a template."""

    key: str
    label: str | Promise
    icon: str
    href: str
    description: str | Promise
    in_main_nav: bool
    external: bool


_registry: dict[str, LauncherEntry] = {}


def launcher_register(entry: LauncherEntry) -> None:
    """Add (or replace, by key) an entry in the launcher."""
    _registry[entry.key] = entry


def launcher_unregister(key: str) -> None:
    """Remove an entry; unknown keys are ignored."""
    _registry.pop(key, None)


LauncherProvider = Callable[[Any], list[LauncherEntry]]
_providers: list[LauncherProvider] = []


def launcher_provider_register(provider: LauncherProvider) -> None:
    """Add a function that returns extra entries for a given user (registered once, by an app)."""
    if provider not in _providers:
        _providers.append(provider)


def launcher_entries(user: Any, *, dynamic: bool = True) -> list[ResolvedEntry]:
    """The entries `user` may open, in display order (with the providers' entries if `dynamic`)."""
    entries = list(_registry.values())
    if dynamic:
        for provider in _providers:
            try:
                entries.extend(provider(user))
            except Exception:  # a broken provider must not break every page
                logger.exception("launcher provider %r failed", provider)
    resolved = []
    for entry in sorted(entries, key=lambda e: (e.order, e.key)):
        if not entry.visible(user):
            continue
        href = entry.href()
        if href is None:
            continue
        resolved.append(
            ResolvedEntry(
                key=entry.key,
                label=entry.label,
                icon=entry.icon,
                href=href,
                description=entry.description,
                in_main_nav=entry.in_main_nav,
                external=entry.external,
            )
        )
    return resolved


def main_nav_entries(user: Any) -> list[ResolvedEntry]:
    """The few entries shown in the header's main menu."""
    return [entry for entry in launcher_entries(user, dynamic=False) if entry.in_main_nav]


for _entry in (
    LauncherEntry(
        key="home",
        label=_("Home"),
        icon="home",
        url_name="core:home",
        description=_("Your overview of VCNET."),
        order=0,
        in_main_nav=True,
    ),
    LauncherEntry(
        key="profile",
        label=_("My profile"),
        icon="user",
        url_name="accounts:profile",
        description=_("Your name, contact details and password."),
        visible=signed_in,
        order=10,
    ),
    LauncherEntry(
        key="units",
        label=_("Units"),
        icon="tree",
        url_name="core:units",
        description=_("The organisation's units, from the centre to the grassroots."),
        visible=signed_in,
        order=20,
        in_main_nav=True,
    ),
    LauncherEntry(
        key="api-docs",
        label=_("API documentation"),
        icon="code",
        url="/api/v1/docs",
        description=_("The JSON API for other systems and mobile apps."),
        visible=signed_in,
        order=900,
    ),
    LauncherEntry(
        key="admin",
        label=_("Administration"),
        icon="settings",
        url_name="admin:index",
        description=_("Units, accounts, roles and settings."),
        visible=staff_only,
        order=1000,
    ),
):
    launcher_register(_entry)
