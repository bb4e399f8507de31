"""The assistant's reads: a person's conversations, the review queue, the FAQ and the library.

Each protected object has one access function here (`conversation_detail`, `turn_for_user`):
a conversation or a question of someone else answers 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from vcnet.assistant.models import Conversation, FaqEntry, LibraryDocument, Turn
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError

__all__ = [
    "REVIEW_KINDS",
    "conversation_detail",
    "conversation_list",
    "faq_for_user",
    "faq_list",
    "library_for_user",
    "library_list",
    "review_queue",
    "turn_citations",
    "turn_for_user",
    "turn_links",
]

ReviewKind = Literal["all", "unanswered", "downvoted"]
REVIEW_KINDS: tuple[str, ...] = ("all", "unanswered", "downvoted")


def _signed_in(user: Any) -> bool:
    return user is not None and bool(user.is_authenticated)


def conversation_list(user: Any) -> QuerySet[Conversation]:
    """The person's conversations, latest first, each with its number of questions."""
    if not _signed_in(user):
        return Conversation.objects.none()
    return (
        Conversation.objects.filter(user_id=user.pk)
        .annotate(turn_count=Count("turns"))
        .order_by("-updated_at", "-id")
    )


def conversation_detail(user: Any, conversation_id: int) -> Conversation:
    """One of the person's conversations with its questions in order; 404 for anyone else's."""
    conversation = (
        conversation_list(user)
        .filter(pk=conversation_id)
        .prefetch_related(Prefetch("turns", queryset=Turn.objects.order_by("created_at", "id")))
        .first()
    )
    if conversation is None:
        raise NotFound(_("This conversation does not exist."))
    return conversation


def turn_for_user(user: Any, turn_id: int) -> Turn:
    """One question the person asked; 404 for anyone else's."""
    turn = None
    if _signed_in(user):
        turn = (
            Turn.objects.select_related("conversation")
            .filter(pk=turn_id, conversation__user_id=user.pk)
            .first()
        )
    if turn is None:
        raise NotFound(_("This question does not exist."))
    return turn


def turn_citations(turn: Turn) -> list[dict[str, Any]]:
    """The numbered sources the answer quotes (the passages shown)."""
    return [c for c in turn.citations or [] if c.get("passage_id")]


def turn_links(turn: Turn) -> list[dict[str, str]]:
    """The e-office documents an action answer listed: {"title", "url", "meta"}."""
    return [
        {"title": c.get("title", ""), "url": c.get("url", ""), "meta": c.get("quote", "")}
        for c in turn.citations or []
        if not c.get("passage_id")
    ]


def review_queue(admin: Any, *, kind: str = "all") -> QuerySet[Turn]:
    """Questions for administrators to improve the FAQ with: not answered, or down-voted, and
    not yet reviewed; newest first."""
    if not _signed_in(admin) or not admin.is_staff:
        raise PermissionDeniedError(_("Only administrators can review questions."))
    if kind not in REVIEW_KINDS:
        raise DomainError(
            _("Unknown kind of review: choose all, unanswered or downvoted."), code="kind"
        )
    turns = Turn.objects.filter(reviewed_at__isnull=True).select_related("conversation__user")
    if kind == "unanswered":
        turns = turns.filter(answered=False)
    elif kind == "downvoted":
        turns = turns.filter(rating=-1)
    else:
        turns = turns.filter(Q(answered=False) | Q(rating=-1))
    return turns.order_by("-created_at", "-id")


def faq_list(user: Any) -> QuerySet[FaqEntry]:
    """The FAQ: published entries, and for administrators the unpublished ones too."""
    entries = FaqEntry.objects.all()
    if not (_signed_in(user) and user.is_staff):
        entries = entries.filter(published=True)
    return entries.order_by("-updated_at", "-id")


def faq_for_user(user: Any, faq_id: int) -> FaqEntry:
    """One FAQ entry the person may see; 404 otherwise."""
    entry = faq_list(user).filter(pk=faq_id).first()
    if entry is None:
        raise NotFound(_("This FAQ entry does not exist."))
    return entry


def library_list(user: Any) -> QuerySet[LibraryDocument]:
    """The policy library: published documents, and for administrators the others too."""
    documents = LibraryDocument.objects.all()
    if not (_signed_in(user) and user.is_staff):
        documents = documents.filter(published=True)
    return documents


def library_for_user(user: Any, library_id: int) -> LibraryDocument:
    """One library document the person may see; 404 otherwise."""
    document = library_list(user).filter(pk=library_id).first()
    if document is None:
        raise NotFound(_("This library document does not exist."))
    return document
