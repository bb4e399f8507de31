"""The kinds of notification the social network sends (`Notification.kind`), with their labels.

Mastodon's notification types are given beside each, for the client API.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MENTION = "social.mention"  # Mastodon "mention"
REPLY = "social.reply"  # Mastodon "mention" (a reply mentions the author)
REACTION = "social.reaction"  # Mastodon "favourite"
REBLOG = "social.reblog"  # Mastodon "reblog" (a share, or a quote)
FOLLOW = "social.follow"  # Mastodon "follow"
GROUP_REQUEST = "social.group_request"  # VCNET extension: someone asks to join a group you moderate
GROUP_DECISION = "social.group_decision"  # VCNET extension: your join request was decided
POLL_ENDED = "social.poll"  # Mastodon "poll"
POST_EDITED = "social.update"  # Mastodon "update": a post you shared or reacted to was edited

LABELS = {
    MENTION: _("Mentions"),
    REPLY: _("Replies"),
    REACTION: _("Reactions"),
    REBLOG: _("Shares"),
    FOLLOW: _("New followers"),
    GROUP_REQUEST: _("Requests to join your groups"),
    GROUP_DECISION: _("Answers to your join requests"),
    POLL_ENDED: _("Polls that ended"),
    POST_EDITED: _("Edits of posts you shared"),
}

MASTODON_TYPES = {
    MENTION: "mention",
    REPLY: "mention",
    REACTION: "favourite",
    REBLOG: "reblog",
    FOLLOW: "follow",
    GROUP_REQUEST: "follow_request",
    GROUP_DECISION: "mention",
    POLL_ENDED: "poll",
    POST_EDITED: "update",
}
