"""Context notes: who may write and rate them, writing a note on a post, rating someone's note.

A note's status (needs more ratings, helpful, not helpful) and whether a post shows it are set by
the scoring (`vcnet.moderation.scoring`), never here. Contributors must be trusted a little: an
account a week old with a verified e-mail address, no recent warning, suspension or ban.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.ratelimit import rate_limit_check
from vcnet.moderation.models import (
    Action,
    ActionKind,
    ContextNote,
    Helpfulness,
    NoteClassification,
    NoteRating,
)
from vcnet.social.access import own_actor_ids, post_for_user, visible_posts
from vcnet.social.services.moderation import actor_sanction_check
from vcnet.social.text import render_markdown

__all__ = [
    "MAX_SOURCES",
    "MAX_TEXT",
    "MIN_ACCOUNT_AGE",
    "SANCTION_WINDOW",
    "HelpfulTag",
    "UnhelpfulTag",
    "email_verified",
    "note_create",
    "note_eligibility",
    "note_rate",
    "tag_label",
]

MIN_ACCOUNT_AGE = dt.timedelta(days=7)
SANCTION_WINDOW = dt.timedelta(days=30)
MAX_TEXT = 1000
MAX_SOURCES = 5
MAX_URL = 500
NOTES_PER_DAY = 20
DAY = 86_400
SANCTIONS = (ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN)

_url_validator = URLValidator(schemes=["http", "https"])


class HelpfulTag(models.TextChoices):
    """Why a rater found a note helpful."""

    GOOD_SOURCES = "good_sources", gettext_lazy("Cites good sources")
    EASY = "easy_to_understand", gettext_lazy("Easy to understand")
    ADDRESSES_CLAIM = "addresses_claim", gettext_lazy("Addresses the claim directly")
    NEUTRAL = "neutral", gettext_lazy("Neutral, without taking sides")


class UnhelpfulTag(models.TextChoices):
    """Why a rater found a note unhelpful."""

    SOURCES = "sources_missing", gettext_lazy("Sources missing or unreliable")
    OPINION = "opinion", gettext_lazy("Opinion or speculation")
    OFF_TOPIC = "off_topic", gettext_lazy("Off topic")
    HARD = "hard_to_understand", gettext_lazy("Hard to understand")


def tag_label(value: str) -> str:
    """The label of a helpful or unhelpful tag (the value itself when unknown)."""
    for choices in (HelpfulTag, UnhelpfulTag):
        if value in choices.values:
            return str(choices(value).label)
    return value


# --- Eligibility -----------------------------------------------------------------------------
def email_verified(user: User) -> bool:
    """Whether the person's e-mail address is verified in allauth's records.

    Self-registered accounts get a record at sign-up, unverified until the link is opened. An
    account without any record was made by an administrator or the seed, and its address counts
    as verified (the rule of `vcnet.accounts.adapter.email_address_ensure`).
    """
    from allauth.account.models import EmailAddress

    if not user.email:
        return False
    records = EmailAddress.objects.filter(user_id=user.pk)
    if records.filter(email__iexact=user.email, verified=True).exists():
        return True
    return not records.exists()


def _recently_sanctioned(user: User, now: dt.datetime) -> bool:
    return Action.objects.filter(
        subject_user_id=user.pk,
        kind__in=SANCTIONS,
        created_at__gte=now - SANCTION_WINDOW,
        reversed_at__isnull=True,
    ).exists()


def note_eligibility(user: User | None) -> tuple[bool, str]:
    """Whether `user` may write and rate context notes, and if not, the sentence saying why."""
    if user is None or not user.is_authenticated:
        return False, _("Sign in to write and rate context notes.")
    now = timezone.now()
    if user.date_joined > now - MIN_ACCOUNT_AGE:
        return False, _(
            "Accounts can write and rate context notes once they are 7 days old. "
            "Please come back later."
        )
    if not email_verified(user):
        return False, _(
            "Verify your e-mail address first: open the link we sent you, or ask for a new one "
            "in your account settings."
        )
    try:
        actor_sanction_check(user)
    except PermissionDeniedError as error:
        return False, str(error.message)
    if _recently_sanctioned(user, now):
        return False, _(
            "Your content was warned, suspended or banned by moderators in the last 30 days, "
            "so you cannot write or rate context notes for now."
        )
    return True, ""


def _check_eligible(user: User) -> None:
    allowed, reason = note_eligibility(user)
    if not allowed:
        raise PermissionDeniedError(reason, code="not_eligible")


# --- Validation ------------------------------------------------------------------------------
def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note: what context does the post miss?"), code="text")
    if len(text) > MAX_TEXT:
        raise DomainError(
            _("A note may be at most %(max)d characters long; this one has %(n)d.")
            % {"max": MAX_TEXT, "n": len(text)},
            code="text",
        )
    return text


def _source_title(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def clean_sources(sources: Iterable[str]) -> list[dict[str, str]]:
    """The note's sources as [{"url", "title"}]: 1 to 5 distinct http(s) addresses."""
    urls: list[str] = []
    for raw in sources:
        url = str(raw or "").strip()
        if not url or url in urls:
            continue
        if len(url) > MAX_URL:
            raise DomainError(
                _("A source address may be at most %(max)d characters long.") % {"max": MAX_URL},
                code="sources",
            )
        try:
            _url_validator(url)
        except ValidationError:
            raise DomainError(
                _("“%(url)s” is not a web address: write each source as https://…")
                % {"url": url[:100]},
                code="sources",
            ) from None
        urls.append(url)
    if not urls:
        raise DomainError(
            _("Give at least one source (a web address starting with https://) for the note."),
            code="sources",
        )
    if len(urls) > MAX_SOURCES:
        raise DomainError(
            _("A note may cite at most %(max)d sources.") % {"max": MAX_SOURCES},
            code="sources",
        )
    return [{"url": url, "title": _source_title(url)} for url in urls]


def _clean_tags(helpfulness: str, tags: Iterable[str]) -> list[str]:
    allowed: set[str] = set()
    if helpfulness in (Helpfulness.HELPFUL, Helpfulness.SOMEWHAT):
        allowed |= set(HelpfulTag.values)
    if helpfulness in (Helpfulness.NOT_HELPFUL, Helpfulness.SOMEWHAT):
        allowed |= set(UnhelpfulTag.values)
    cleaned: list[str] = []
    for tag in tags:
        if tag in cleaned:
            continue
        if tag in allowed:
            cleaned.append(tag)
            continue
        if tag in HelpfulTag.values or tag in UnhelpfulTag.values:
            raise DomainError(
                _("“%(tag)s” does not fit the rating “%(rating)s”.")
                % {"tag": tag_label(tag), "rating": Helpfulness(helpfulness).label},
                code="tags",
            )
        raise DomainError(_("Unknown tag: “%(tag)s”.") % {"tag": str(tag)[:50]}, code="tags")
    return cleaned


# --- Services --------------------------------------------------------------------------------
def note_create(
    *,
    user: User,
    post_id: int,
    text: str,
    sources: list[str],
    classification: str,
    request: HttpRequest | None = None,
) -> ContextNote:
    """Write a context note on a post someone else wrote (one per person and post)."""
    _check_eligible(user)
    post = post_for_user(user, post_id)
    if post.reblog_of_id:
        post = post_for_user(user, post.reblog_of_id)
    if post.author_id in own_actor_ids(user):
        raise PermissionDeniedError(
            _("You cannot write a context note on your own post."), code="own_post"
        )
    if ContextNote.objects.filter(post_id=post.pk, author_id=user.pk).exists():
        raise Conflict(_("You have already written a context note on this post."))
    if classification not in NoteClassification.values:
        raise DomainError(_("Say whether the post is misleading or not."), code="classification")
    clean_text = _clean_text(text)
    clean = clean_sources(sources)
    rate_limit_check(f"moderation:note:{user.pk}", limit=NOTES_PER_DAY, window=DAY)
    try:
        with transaction.atomic():
            note = ContextNote.objects.create(
                post=post,
                author=user,
                classification=classification,
                text=clean_text,
                html=render_markdown(clean_text, handles=()),
                sources=clean,
            )
            audit_write(
                actor=user,
                action="moderation.note_create",
                obj=note,
                data={"post": post.pk, "classification": classification, "sources": len(clean)},
                request=request,
            )
    except IntegrityError:  # the same person, twice at once
        raise Conflict(_("You have already written a context note on this post.")) from None
    return note


def _note_for_rater(user: User, note_id: int) -> ContextNote:
    note = (
        ContextNote.objects.filter(pk=note_id, post__in=visible_posts(user).values("pk"))
        .select_related("post")
        .first()
    )
    if note is None:
        raise NotFound(_("Context note not found."))
    return note


def note_rate(
    *,
    user: User,
    note_id: int,
    helpfulness: str,
    tags: list[str] | None = None,
    request: HttpRequest | None = None,
) -> NoteRating:
    """Rate someone else's note on a post one can see; rating again replaces the earlier rating."""
    _check_eligible(user)
    note = _note_for_rater(user, note_id)
    if note.author_id == user.pk:
        raise PermissionDeniedError(_("You cannot rate your own note."), code="own_note")
    if helpfulness not in Helpfulness.values:
        raise DomainError(
            _("Rate the note as helpful, somewhat helpful or not helpful."), code="helpfulness"
        )
    clean_tags = _clean_tags(helpfulness, tags or [])
    with transaction.atomic():
        rating, created = NoteRating.objects.update_or_create(
            note=note,
            rater=user,
            defaults={"helpfulness": helpfulness, "tags": clean_tags},
        )
        audit_write(
            actor=user,
            action="moderation.note_rate",
            obj=note,
            data={"helpfulness": helpfulness, "tags": clean_tags, "changed": not created},
            request=request,
        )
    return rating
