"""Template helpers of the social pages: a viewer's state per post, reactions, poll bars."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vcnet.social.models import ReactionKind

register = template.Library()

EMOJI = {
    ReactionKind.LIKE: "👍",
    ReactionKind.LOVE: "❤️",
    ReactionKind.HAHA: "😆",
    ReactionKind.WOW: "😮",
    ReactionKind.SAD: "😢",
    ReactionKind.ANGRY: "😠",
}


@register.filter
def state_for(states: dict[int, Any] | None, post: Any) -> Any:
    """The viewer's state of `post`, or of the original for a share (None for anonymous readers)."""
    if not states or post is None:
        return None
    return states.get(post.reblog_of_id or post.pk)


@register.simple_tag
def reaction_kinds(post: Any, state: Any = None) -> list[dict[str, Any]]:
    """The six reactions with their emoji, label, count on `post`, and whether the viewer chose it."""
    counts = post.reaction_counts or {}
    mine = getattr(state, "reaction", None)
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "emoji": EMOJI[kind],
            "count": int(counts.get(kind.value, 0)),
            "mine": mine == kind.value,
        }
        for kind in ReactionKind
    ]


@register.filter
def reaction_emoji(kind: str | None) -> str:
    """The emoji of a reaction kind."""
    return EMOJI.get(kind or "", "👍")  # type: ignore[call-overload,unused-ignore]


@register.simple_tag
def poll_rows(poll: Any) -> list[dict[str, Any]]:
    """Each option of `poll` with its share of the votes in whole percent."""
    total = poll.votes_count or 0
    return [
        {
            "option": option,
            "percent": round(100 * option.votes_count / total) if total else 0,
        }
        for option in poll.options.all()
    ]


@register.filter
def top_reactions(post: Any) -> list[str]:
    """The emoji of the (up to three) most used reactions on `post`."""
    counts = post.reaction_counts or {}
    ordered = sorted((k for k, v in counts.items() if v), key=lambda k: -int(counts[k]))
    return [EMOJI.get(k, "") for k in ordered[:3]]  # type: ignore[call-overload,unused-ignore]


@register.filter
def ago(value: dt.datetime | None) -> str:
    """How long ago, in the largest whole unit ("3 giờ trước"); the date itself after a week."""
    if value is None:
        return ""
    seconds = int((timezone.now() - value).total_seconds())
    if seconds < 60:
        return str(_("just now"))
    if seconds < 3600:
        n = seconds // 60
        return ngettext("%(num)d minute ago", "%(num)d minutes ago", n) % {"num": n}
    if seconds < 86400:
        n = seconds // 3600
        return ngettext("%(num)d hour ago", "%(num)d hours ago", n) % {"num": n}
    if seconds < 7 * 86400:
        n = seconds // 86400
        return ngettext("%(num)d day ago", "%(num)d days ago", n) % {"num": n}
    return date_format(timezone.localtime(value), "d/m/Y")
