"""Reading context notes: a post's notes with the viewer's own ratings, one note, and the notes
that still need ratings from contributors. Every read goes through the post's visibility, so a
note on a post someone may not see does not exist for them.

Notes do not name their authors to others: the note is judged on what it says and cites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeGuard

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound
from vcnet.moderation.models import ContextNote, NoteRating, NoteStatus
from vcnet.moderation.services.notes import note_eligibility
from vcnet.social.access import own_actor_ids, visible_posts
from vcnet.social.models import Post
from vcnet.social.selectors.posts import post_detail

__all__ = [
    "NotesPage",
    "note_detail",
    "notes_for_post",
    "notes_needing",
    "status_explanation",
]

_STATUS_ORDER: dict[str, int] = {
    NoteStatus.HELPFUL: 0,
    NoteStatus.NEEDS_MORE_RATINGS: 1,
    NoteStatus.NOT_HELPFUL: 2,
}


def _signed_in(user: User | None) -> TypeGuard[User]:
    return user is not None and user.is_authenticated


def _shown_note_id(post: Post) -> int | None:
    shown = post.context_note if isinstance(post.context_note, dict) else None
    value = (shown or {}).get("id")
    return int(value) if isinstance(value, int) else None


def _decorate(user: User | None, notes: list[ContextNote], *, eligible: bool) -> list[ContextNote]:
    """Set, on each note: `my_rating`, `is_mine`, `is_shown`, `can_rate`, `explanation`
    (`live_ratings` comes from the query; one query for the viewer's ratings, whatever the number of notes)."""
    mine: dict[int, NoteRating] = {}
    if _signed_in(user) and notes:
        mine = {
            r.note_id: r
            for r in NoteRating.objects.filter(rater_id=user.pk, note__in=[n.pk for n in notes])
        }
    for note in notes:
        note.my_rating = mine.get(note.pk)  # type: ignore[attr-defined]
        note.is_mine = user is not None and note.author_id == user.pk  # type: ignore[attr-defined]
        note.is_shown = _shown_note_id(note.post) == note.pk  # type: ignore[attr-defined]
        note.can_rate = eligible and not note.is_mine  # type: ignore[attr-defined]
        note.explanation = status_explanation(note)  # type: ignore[attr-defined]
    return notes


def _annotated() -> QuerySet[ContextNote]:
    return ContextNote.objects.annotate(live_ratings=Count("ratings")).select_related("post")


def status_explanation(note: ContextNote) -> str:
    """One or two sentences on what the note's status means, for the pages and the API."""
    if note.status == NoteStatus.HELPFUL:
        text = _(
            "Rated helpful by contributors who usually disagree with each other. The most "
            "helpful such note is shown under the post."
        )
    elif note.status == NoteStatus.NOT_HELPFUL:
        text = _(
            "Rated not helpful by contributors with different points of view. It is not shown "
            "under the post."
        )
    else:
        text = _(
            "Needs more ratings: a note is shown under the post only once enough contributors "
            "who usually disagree with each other have rated it helpful. Agreement from one side "
            "alone is not enough. Until then, it is only shown here."
        )
    if note.locked_at is not None:
        text += " " + _("Two weeks after it was written, this status became final.")
    return text


@dataclass
class NotesPage:
    """A post with its notes, and what the viewer may do there."""

    post: Post
    notes: list[ContextNote]
    eligible: bool
    reason: str
    own_post: bool
    my_note: ContextNote | None
    helpful_count: int = field(default=0)

    @property
    def can_write(self) -> bool:
        return self.eligible and not self.own_post and self.my_note is None


def notes_for_post(user: User | None, post_id: int) -> NotesPage:
    """A post `user` may see (NotFound otherwise) with its notes: the helpful ones first, then
    those needing ratings, then the unhelpful ones, newest first within each."""
    post = post_detail(user, post_id)
    if post.reblog_of_id and post.reblog_of is not None:
        post = post_detail(user, post.reblog_of_id)
    eligible, reason = note_eligibility(user)
    own = _signed_in(user) and post.author_id in own_actor_ids(user)
    notes = list(_annotated().filter(post_id=post.pk).order_by("-created_at", "-id"))
    for note in notes:
        note.post = post  # the hydrated post, already loaded
    notes.sort(key=lambda n: (_shown_note_id(post) != n.pk, _STATUS_ORDER.get(n.status, 9)))
    _decorate(user, notes, eligible=eligible)
    my_note = next((n for n in notes if user is not None and n.author_id == user.pk), None)
    return NotesPage(
        post=post,
        notes=notes,
        eligible=eligible,
        reason=reason,
        own_post=bool(own),
        my_note=my_note,
        helpful_count=sum(1 for n in notes if n.status == NoteStatus.HELPFUL),
    )


def note_detail(user: User | None, note_id: int) -> ContextNote:
    """One note on a post `user` may see, with the viewer's rating (NotFound otherwise)."""
    note = _annotated().filter(pk=note_id, post__in=visible_posts(user).values("pk")).first()
    if note is None:
        raise NotFound(_("Context note not found."))
    eligible, _reason = note_eligibility(user)
    _decorate(user, [note], eligible=eligible)
    return note


def notes_needing(user: User, *, limit: int = 30, offset: int = 0) -> list[ContextNote]:
    """Notes still needing ratings that `user` has not rated, on posts they may see and did not
    write: the least rated first, so every note gets its chance."""
    notes = list(
        _annotated()
        .select_related("post__author")
        .filter(
            status=NoteStatus.NEEDS_MORE_RATINGS,
            locked_at__isnull=True,
            post__in=visible_posts(user).values("pk"),
        )
        .exclude(author_id=user.pk)
        .exclude(ratings__rater_id=user.pk)
        .order_by("live_ratings", "-created_at", "-id")[offset : offset + limit]
    )
    eligible, _reason = note_eligibility(user)
    return _decorate(user, notes, eligible=eligible)
