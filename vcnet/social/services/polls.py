"""Polls on posts: 2-4 options, open from five minutes to a month, one vote per person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.text import nfc
from vcnet.social.models import Poll, PollOption, PollVote, Post
from vcnet.social.models.base import versions_touch

MIN_OPTIONS = 2
MAX_OPTIONS = 4
MIN_SECONDS = 300
MAX_SECONDS = 2_678_400
OPTION_MAX_LENGTH = 100


@dataclass
class PollSpec:
    """What a new post's poll asks: its options, how long it stays open, one or several choices."""

    options: list[str] = field(default_factory=list)
    expires_in: int = 86_400
    multiple: bool = False

    def cleaned(self) -> PollSpec:
        """The spec with trimmed options, checked against the limits (DomainError otherwise)."""
        options = [nfc(str(o)).strip() for o in self.options]
        options = [o for o in options if o]
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            raise DomainError(
                _("A poll needs from %(min)d to %(max)d options.")
                % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
                code="poll_options",
            )
        if any(len(o) > OPTION_MAX_LENGTH for o in options):
            raise DomainError(
                _("A poll option can be at most %(limit)d characters long.")
                % {"limit": OPTION_MAX_LENGTH},
                code="poll_option_length",
            )
        if len({o.casefold() for o in options}) != len(options):
            raise DomainError(_("The options of a poll must differ."), code="poll_duplicate")
        try:
            seconds = int(self.expires_in)
        except (TypeError, ValueError):
            seconds = -1
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            raise DomainError(
                _("A poll stays open from five minutes to one month."), code="poll_duration"
            )
        return PollSpec(options=options, expires_in=seconds, multiple=bool(self.multiple))

    def as_json(self) -> dict[str, object]:
        return {
            "options": list(self.options),
            "expires_in": self.expires_in,
            "multiple": self.multiple,
        }


def poll_attach(*, post: Post, spec: PollSpec) -> Poll:
    """Create the (already cleaned) poll of a new post; called inside post_create's transaction."""
    poll = Poll.objects.create(
        post=post,
        expires_at=timezone.now() + dt.timedelta(seconds=spec.expires_in),
        multiple=spec.multiple,
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, position=i, title=title) for i, title in enumerate(spec.options)
    )
    return poll


def poll_vote(*, user: User, poll_id: int, choices: list[int]) -> Poll:
    """Record `user`'s vote (option positions); once per poll, only while it is open."""
    from vcnet.social.access import post_for_user
    from vcnet.social.services.actors import actor_for_user
    from vcnet.social.services.moderation import actor_sanction_check

    if not getattr(user, "is_authenticated", False):
        raise PermissionDeniedError(_("Please sign in first."), code="not_signed_in")
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        raise NotFound(_("Poll not found."))
    post_for_user(user, poll.post_id)  # NotFound when the post is hidden from the voter
    positions = sorted({int(c) for c in choices})
    if not positions:
        raise DomainError(_("Choose an option."), code="poll_no_choice")
    if len(positions) > 1 and not poll.multiple:
        raise DomainError(_("This poll allows only one choice."), code="poll_single")
    voter = actor_for_user(user)
    actor_sanction_check(user, voter)
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.expired:
            raise DomainError(_("This poll has closed."), code="poll_closed")
        options = list(PollOption.objects.filter(poll=poll, position__in=positions))
        if len(options) != len(positions):
            raise DomainError(_("Choose one of the poll's options."), code="poll_bad_choice")
        if PollVote.objects.filter(poll=poll, voter=voter).exists():
            raise Conflict(_("You have already voted in this poll."), code="poll_voted")
        try:
            with transaction.atomic():
                PollVote.objects.bulk_create(
                    PollVote(poll=poll, option=option, voter=voter) for option in options
                )
        except IntegrityError as exc:  # pragma: no cover - a concurrent double vote
            raise Conflict(_("You have already voted in this poll."), code="poll_voted") from exc
        PollOption.objects.filter(pk__in=[o.pk for o in options]).update(
            votes_count=F("votes_count") + 1
        )
        Poll.objects.filter(pk=poll.pk).update(
            votes_count=F("votes_count") + len(options), voters_count=F("voters_count") + 1
        )
        versions_touch(Post, [poll.post_id])  # the counts shown on the post's cached card
    poll.refresh_from_db()
    return poll
