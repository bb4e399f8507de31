"""Moderation API: context notes under /api/v1/moderation/notes.

- GET  /notes?post_id=          a post's notes (without post_id: the notes that need my ratings)
- GET  /notes/eligibility       whether I may write and rate notes, and why not
- POST /notes                   write a note {post_id, text, sources, classification} → 201
- GET  /notes/{id}              one note, with my rating
- POST /notes/{id}/ratings      rate it {helpfulness, tags} → 201 (200 when it replaces my rating)

A post I may not see answers 404 like one that does not exist; not eligible, my own post or my
own note 403; a second note on the same post 409. Authors of notes are not named.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from vcnet.accounts.models import User
from vcnet.core.api_auth import current_user
from vcnet.moderation import selectors_notes
from vcnet.moderation.models import ContextNote, Helpfulness, NoteClassification, NoteRating
from vcnet.moderation.services import notes as note_services
from vcnet.moderation.services.notes import MAX_SOURCES, MAX_TEXT, HelpfulTag, UnhelpfulTag

router = Router(tags=["moderation"])

MAX_LIMIT = 100


def _user(request: HttpRequest) -> User:
    user: User = current_user(request)
    return user


class SourceOut(Schema):
    """A source a note cites."""

    url: str
    title: str


class NoteOut(Schema):
    """A context note as contributors see it (its author is not named)."""

    id: int
    post_id: int
    classification: str = Field(description="misleading or not_misleading.")
    classification_label: str
    text: str
    html: str = Field(description="The note as safe HTML (from Markdown).")
    sources: list[SourceOut]
    status: str = Field(description="needs_more_ratings, helpful or not_helpful.")
    status_label: str
    status_explanation: str
    shown: bool = Field(description="The post shows this note under it.")
    final: bool = Field(description="The status no longer changes (two weeks after writing).")
    ratings_count: int
    mine: bool = Field(description="I wrote this note.")
    my_rating: str | None = Field(description="My rating: helpful, somewhat or not_helpful.")
    my_tags: list[str]
    can_rate: bool
    created_at: dt.datetime
    url: str = Field(description="The notes page of the post.")

    @staticmethod
    def resolve_classification_label(obj: ContextNote) -> str:
        return str(obj.get_classification_display())

    @staticmethod
    def resolve_status_label(obj: ContextNote) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_status_explanation(obj: ContextNote) -> str:
        return str(getattr(obj, "explanation", "") or selectors_notes.status_explanation(obj))

    @staticmethod
    def resolve_shown(obj: ContextNote) -> bool:
        return bool(getattr(obj, "is_shown", False))

    @staticmethod
    def resolve_final(obj: ContextNote) -> bool:
        return obj.locked_at is not None

    @staticmethod
    def resolve_ratings_count(obj: ContextNote) -> int:
        return int(getattr(obj, "live_ratings", obj.ratings_count))

    @staticmethod
    def resolve_mine(obj: ContextNote) -> bool:
        return bool(getattr(obj, "is_mine", False))

    @staticmethod
    def resolve_my_rating(obj: ContextNote) -> str | None:
        rating: NoteRating | None = getattr(obj, "my_rating", None)
        return rating.helpfulness if rating else None

    @staticmethod
    def resolve_my_tags(obj: ContextNote) -> list[str]:
        rating: NoteRating | None = getattr(obj, "my_rating", None)
        return list(rating.tags) if rating else []

    @staticmethod
    def resolve_can_rate(obj: ContextNote) -> bool:
        return bool(getattr(obj, "can_rate", False))

    @staticmethod
    def resolve_url(obj: ContextNote) -> str:
        return f"{reverse('moderation:notes_post', args=[obj.post_id])}#note-{obj.pk}"


class NotesParams(Schema):
    """Which notes: a post's, or (without post_id) those that need my ratings."""

    post_id: int | None = Field(None, description="The post's id.")
    limit: int = Field(30, ge=1, le=MAX_LIMIT, description="Only without post_id.")
    offset: int = Field(0, ge=0, description="Only without post_id.")


class EligibilityOut(Schema):
    """Whether I may write and rate notes; `reason` says why not."""

    eligible: bool
    reason: str


class NoteIn(Schema):
    """A new context note on someone else's post."""

    post_id: int
    text: str = Field(max_length=MAX_TEXT, description="Markdown; what context the post misses.")
    sources: list[str] = Field(max_length=MAX_SOURCES, description="1 to 5 http(s) addresses.")
    classification: NoteClassification = NoteClassification.MISLEADING


class RatingIn(Schema):
    """A rating of a note; the tags must fit it (helpful tags for helpful, and so on)."""

    helpfulness: Helpfulness
    tags: list[str] = Field(
        default_factory=list,
        max_length=len(HelpfulTag.values) + len(UnhelpfulTag.values),
        description=(
            "Helpful: "
            + ", ".join(HelpfulTag.values)
            + ". Not helpful: "
            + ", ".join(UnhelpfulTag.values)
            + ". Somewhat: either."
        ),
    )


@router.get("", response=list[NoteOut], summary="A post's context notes, or those needing ratings")
def notes_list(request: HttpRequest, params: Query[NotesParams]) -> list[ContextNote]:
    user = _user(request)
    if params.post_id is not None:
        return selectors_notes.notes_for_post(user, params.post_id).notes
    return selectors_notes.notes_needing(user, limit=params.limit, offset=params.offset)


@router.get("/eligibility", response=EligibilityOut, summary="May I write and rate notes?")
def notes_eligibility(request: HttpRequest) -> dict[str, object]:
    eligible, reason = note_services.note_eligibility(_user(request))
    return {"eligible": eligible, "reason": reason}


@router.post("", response={201: NoteOut}, summary="Write a context note")
def note_create(request: HttpRequest, payload: NoteIn) -> Status:
    user = _user(request)
    note = note_services.note_create(
        user=user,
        post_id=payload.post_id,
        text=payload.text,
        sources=payload.sources,
        classification=payload.classification.value,
        request=request,
    )
    return Status(201, selectors_notes.note_detail(user, note.pk))


@router.get("/{note_id}", response=NoteOut, summary="One context note")
def note_detail(request: HttpRequest, note_id: int) -> ContextNote:
    return selectors_notes.note_detail(_user(request), note_id)


@router.post(
    "/{note_id}/ratings", response={200: NoteOut, 201: NoteOut}, summary="Rate a context note"
)
def note_rate(request: HttpRequest, note_id: int, payload: RatingIn) -> Status:
    user = _user(request)
    earlier = NoteRating.objects.filter(note_id=note_id, rater_id=user.pk).exists()
    note_services.note_rate(
        user=user,
        note_id=note_id,
        helpfulness=payload.helpfulness.value,
        tags=payload.tags,
        request=request,
    )
    return Status(200 if earlier else 201, selectors_notes.note_detail(user, note_id))
