"""The kinds of notification moderation sends (`Notification.kind`), with their labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION = "moderation.action"  # to the author: an action on your content, with its reason
APPEAL_DECIDED = "moderation.appeal"  # to the author: the outcome of your appeal
CASE = "moderation.case"  # to moderators: an urgent case or a held post waits
REPORT_DECIDED = "moderation.report"  # to the reporter: what came of the report
NOTE = "moderation.note"  # to a note's author: the note is now shown (or not)
CLARIFICATION = "moderation.clarification"  # to authors of posts a clarification names

LABELS = {
    ACTION: _("Moderation of your content"),
    APPEAL_DECIDED: _("Decisions on your appeals"),
    CASE: _("Cases waiting for moderators"),
    REPORT_DECIDED: _("Outcome of your reports"),
    NOTE: _("Your context notes"),
    CLARIFICATION: _("Official clarifications about your posts"),
}
