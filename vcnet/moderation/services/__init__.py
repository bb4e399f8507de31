"""Every change moderation makes: reports, actions, appeals, roles (H1); rules, notes and
clarifications live in their own modules here (`rules`, `notes`, `clarifications`)."""

from vcnet.moderation.services.actions import action_reverse, action_take
from vcnet.moderation.services.appeals import appeal_allowed, appeal_create, appeal_decide
from vcnet.moderation.services.reports import case_flag, report_create
from vcnet.moderation.services.roles import (
    moderator_role_grant,
    moderator_role_revoke,
    reason_choices,
)

__all__ = [
    "action_reverse",
    "action_take",
    "appeal_allowed",
    "appeal_create",
    "appeal_decide",
    "case_flag",
    "moderator_role_grant",
    "moderator_role_revoke",
    "reason_choices",
    "report_create",
]
