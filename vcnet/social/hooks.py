"""Plug-in points through which the moderation app reviews what people write.

`social` must not import `moderation` (dependencies point one way), so moderation registers a
reviewer here when its app is ready. The services call `review` inside their transaction, after
saving: a reviewer may open a case (flag) and may ask to hold a post for a moderator's approval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from vcnet.accounts.models import User

__all__ = ["FIELDS", "Submission", "register_reviewer", "review", "unregister_reviewer"]

# What a reviewer may be shown, by field: the rules of the moderation app name these.
FIELDS = (
    "post",  # a top-level post's text and content warning
    "comment",  # a comment's text and content warning
    "poll_option",
    "media_description",
    "name",  # a profile's or a page's display name
    "bio",
    "group_name",
    "group_description",
)


@dataclass(frozen=True)
class Submission:
    """Something a person wrote or changed: the saved object and its texts by field."""

    user: User
    target: models.Model  # a Post, an Actor or a Group
    texts: dict[str, list[str]] = field(default_factory=dict)
    created: bool = True


# A reviewer returns the reason to hold the post for approval, or None to let it through.
Reviewer = Callable[[Submission], str | None]
_reviewers: list[Reviewer] = []


def register_reviewer(reviewer: Reviewer) -> None:
    """Add a reviewer (idempotent)."""
    if reviewer not in _reviewers:
        _reviewers.append(reviewer)


def unregister_reviewer(reviewer: Reviewer) -> None:
    if reviewer in _reviewers:
        _reviewers.remove(reviewer)


def review(submission: Submission) -> str | None:
    """Run every reviewer (each may flag); the first hold reason wins. Empty texts are skipped."""
    texts = {k: [t for t in v if t and t.strip()] for k, v in submission.texts.items()}
    texts = {k: v for k, v in texts.items() if v}
    if not texts or not _reviewers:
        return None
    submission = Submission(
        user=submission.user, target=submission.target, texts=texts, created=submission.created
    )
    hold: str | None = None
    for reviewer in list(_reviewers):
        reason = reviewer(submission)
        if reason and hold is None:
            hold = reason
    return hold
