"""Reads about registered applications, with the "who may use it" rule in one place."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, User
from vcnet.core.errors import NotFound
from vcnet.sso.models import AppProfile

LAUNCHER_CACHE_SECONDS = 60
_VERSION_KEY = "sso:directory-version"


def _memberships(user: User) -> list[tuple[str, str]]:
    """(unit path, role) of each role `user` holds."""
    return list(Membership.objects.filter(user=user).values_list("unit__path", "role"))


def _may_use(profile: AppProfile, memberships: list[tuple[str, str]]) -> bool:
    unit_paths = [unit.path for unit in profile.allowed_units.all()]
    roles = set(profile.allowed_roles)
    if not unit_paths and not roles:
        return True
    return any(
        (not unit_paths or any(path.startswith(allowed) for allowed in unit_paths))
        and (not roles or role in roles)
        for path, role in memberships
    )


def app_may_use(user: Any, profile: AppProfile) -> bool:
    """Whether `user` may sign into the application: active, and inside its units and roles.

    With allowed units and roles both set, one membership must satisfy both (a leader *of* an
    allowed unit or a unit below it); with neither, everyone signed in may use it.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return _may_use(profile, _memberships(user))


def app_profiles() -> QuerySet[AppProfile]:
    """Every directory entry, with what the access rule needs."""
    return AppProfile.objects.select_related("application").prefetch_related("allowed_units")


def apps_for_user(user: Any) -> list[AppProfile]:
    """The applications `user` may open from the launcher (those with a launch address)."""
    if not user.is_authenticated or not user.is_active:
        return []
    memberships = _memberships(user)
    return [
        profile
        for profile in app_profiles().exclude(launch_url="").order_by("application__name")
        if _may_use(profile, memberships)
    ]


def app_for_user(user: Any, profile_id: int) -> AppProfile:
    """The application `profile_id` if `user` may open it; NotFound otherwise (no leak of its existence)."""
    profile = app_profiles().filter(pk=profile_id).exclude(launch_url="").first()
    if profile is None or not app_may_use(user, profile):
        raise NotFound(_("This application does not exist or you may not open it."))
    return profile


def directory_changed() -> None:
    """Forget the launcher entries cached for everyone (after the directory changes)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, None)


def launcher_apps(user: Any) -> list[dict[str, Any]]:
    """`apps_for_user` as plain data, cached a minute per person for the launcher on every page."""
    if not user.is_authenticated:
        return []
    version = cache.get_or_set(_VERSION_KEY, 1, None)
    key = f"sso:launcher:{version}:{user.pk}"
    entries = cache.get(key)
    if entries is None:
        entries = [
            {
                "id": profile.pk,
                "name": profile.application.name,
                "description": profile.description,
                "icon": profile.icon or "app",
            }
            for profile in apps_for_user(user)
        ]
        cache.set(key, entries, LAUNCHER_CACHE_SECONDS)
    return entries
