"""Reading notifications: counts, the list grouped by what it is about, and preferences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vcnet.accounts.models import User
from vcnet.notifications.models import Notification, NotificationPreference
from vcnet.notifications.registry import notification_kinds

# Kinds whose notifications about one object are shown as one line: "An and 12 others ...".
# (singular, plural) msgids for ngettext; %(name)s is the newest actor, %(count)d the others.
GROUP_PHRASES: dict[str, tuple[str, str]] = {
    "social.reaction": (
        "%(name)s and %(count)d other reacted to your post",
        "%(name)s and %(count)d others reacted to your post",
    ),
    "social.reblog": (
        "%(name)s and %(count)d other shared your post",
        "%(name)s and %(count)d others shared your post",
    ),
    "social.reply": (
        "%(name)s and %(count)d other replied to your post",
        "%(name)s and %(count)d others replied to your post",
    ),
    "social.mention": (
        "%(name)s and %(count)d other mentioned you",
        "%(name)s and %(count)d others mentioned you",
    ),
    "social.follow": (
        "%(name)s and %(count)d other followed you",
        "%(name)s and %(count)d others followed you",
    ),
    "social.group_request": (
        "%(name)s and %(count)d other asked to join your group",
        "%(name)s and %(count)d others asked to join your group",
    ),
}
# Kinds grouped by kind alone (new followers are about me, not about one object).
GROUP_BY_KIND = {"social.follow"}


def _msgids_for_extraction() -> None:  # pragma: no cover - marks GROUP_PHRASES for makemessages
    ngettext(
        "%(name)s and %(count)d other reacted to your post",
        "%(name)s and %(count)d others reacted to your post",
        1,
    )
    ngettext(
        "%(name)s and %(count)d other shared your post",
        "%(name)s and %(count)d others shared your post",
        1,
    )
    ngettext(
        "%(name)s and %(count)d other replied to your post",
        "%(name)s and %(count)d others replied to your post",
        1,
    )
    ngettext(
        "%(name)s and %(count)d other mentioned you",
        "%(name)s and %(count)d others mentioned you",
        1,
    )
    ngettext(
        "%(name)s and %(count)d other followed you", "%(name)s and %(count)d others followed you", 1
    )
    ngettext(
        "%(name)s and %(count)d other asked to join your group",
        "%(name)s and %(count)d others asked to join your group",
        1,
    )


@dataclass
class NotificationGroup:
    """Notifications about one thing, newest first; `latest` stands for the group."""

    latest: Notification
    items: list[Notification] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [n.pk for n in self.items]

    @property
    def unread(self) -> bool:
        return any(n.read_at is None for n in self.items)

    @property
    def urgent(self) -> bool:
        return any(n.urgent for n in self.items)

    @property
    def actors(self) -> list[User]:
        seen: dict[int, User] = {}
        for n in self.items:
            if n.actor is not None and n.actor_id not in seen:
                seen[n.actor.pk] = n.actor
        return list(seen.values())

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def summary(self) -> str:
        """ "An and 12 others reacted to your post", or the newest title when alone."""
        actors = self.actors
        phrases = GROUP_PHRASES.get(self.latest.kind)
        if phrases is None or len(actors) < 2:
            return self.latest.title
        others = len(actors) - 1
        name = actors[0].get_full_name() or str(actors[0])
        return ngettext(phrases[0], phrases[1], others) % {"name": name, "count": others}


def _group_key(n: Notification) -> tuple[str, ...]:
    if n.kind in GROUP_BY_KIND:
        return (n.kind,)
    if n.kind in GROUP_PHRASES and n.object_type:
        return (n.kind, n.object_type, n.object_id)
    return ("single", str(n.pk))


def notifications_group(rows: Iterable[Notification]) -> list[NotificationGroup]:
    """Group rows (kept in their order) by kind and object; the first of each group leads it."""
    groups: dict[tuple[str, ...], NotificationGroup] = {}
    for n in rows:
        key = _group_key(n)
        group = groups.get(key)
        if group is None:
            group = groups[key] = NotificationGroup(latest=n)
        group.items.append(n)
    return list(groups.values())


def notifications_grouped(user: User, limit: int = 50) -> list[NotificationGroup]:
    """My most recent notifications (the newest 200 rows), grouped, at most `limit` groups."""
    rows = notifications_for(user).order_by("-created_at", "-id")[:200]
    return notifications_group(rows)[:limit]


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return Notification.objects.filter(user=user).select_related("actor")


@dataclass
class PreferenceRow:
    """One line of the settings page."""

    kind: str
    label: str | Promise
    in_app: bool = True
    email: bool = True
    push: bool = True


def notification_preferences(user: User) -> list[PreferenceRow]:
    """Every registered kind with my choices (everything on where I chose nothing)."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind, label in notification_kinds().items():
        pref = stored.get(kind)
        row = PreferenceRow(kind=kind, label=label)
        if pref is not None:
            row.in_app, row.email, row.push = pref.in_app, pref.email, pref.push
        rows.append(row)
    return rows


def email_muted_kinds(user_id: int) -> set[str]:
    """The kinds `user_id` left out of the daily e-mail."""
    return set(
        NotificationPreference.objects.filter(user_id=user_id, email=False).values_list(
            "kind", flat=True
        )
    )


NO_LABEL = _("Other notifications")
