"""The assistant API under /api/v1/assistant/ (RFC 9457 errors), for phones and tools.

- POST   /ask                       ask {question, conversation_id?} → the answered question
- GET    /conversations             my conversations, latest first (cursor-paginated)
- GET    /conversations/{id}        one of mine with its questions (404 for anyone else's)
- POST   /turns/{id}/rating         rate an answer of mine {rating: 1|0|-1, comment}
- GET    /faq, GET /faq/{id}        the FAQ (administrators also see unpublished entries)
- POST   /faq, PUT/DELETE /faq/{id} write, change, delete an entry (administrators)
- GET    /library, GET /library/{id}
- POST   /library                   add a policy document: JSON with `body`, or multipart with
                                    the fields and a PDF in `file` (administrators)
- PUT    /library/{id}, DELETE /library/{id}, POST /library/{id}/file (replace the PDF)
- GET    /review?kind=all|unanswered|downvoted   questions to improve the FAQ with (administrators)
- POST   /review/{turn_id}/done     mark one reviewed (administrators)
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticValidationError

from vcnet.accounts.models import User
from vcnet.assistant import selectors, services
from vcnet.assistant.models import Conversation, FaqEntry, LibraryDocument, Turn
from vcnet.core.api_auth import current_user
from vcnet.core.errors import DomainError
from vcnet.core.pagination import CursorPage, CursorParams, paginate

router = Router(tags=["assistant"])


def _user(request: HttpRequest) -> User:
    user: User = current_user(request)
    return user


def _url(name: str, *args: Any) -> str:
    # The web pages are written by another part of the app; an API answer never fails for them.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- Schemas ---------------------------------------------------------------------------------
class AssistantAskIn(Schema):
    """A question for the assistant; without `conversation_id` a new conversation starts."""

    question: str = Field(description="At most 1000 characters.")
    conversation_id: int | None = Field(None, description="Continue this conversation of mine.")


class AssistantCitationOut(Schema):
    """A numbered source the answer quotes: `[n]` in the answer points here."""

    n: int
    passage_id: int
    source_type: str = Field(description="document, library, faq or post.")
    source_id: str
    title: str
    heading: str = Field(description="Where in the source: chapter, article, clause.")
    page: int | None
    url: str = Field(description="The source, at the page quoted.")
    quote: str = Field(description="The words the answer took from it.")


class AssistantLinkOut(Schema):
    """An e-office document an action answer lists (due soon, pending, found)."""

    title: str
    url: str
    meta: str


class AssistantTurnOut(Schema):
    """One question and its answer, with sources, links and my rating."""

    id: int
    conversation_id: int
    question: str
    answer: str = Field(description="The answer; `[n]` markers point into `citations`.")
    mode: str = Field(description="extractive, generative, action, faq or none.")
    mode_label: str
    intent: str = Field(description="The e-office request recognised, if any.")
    answered: bool = Field(description="False: nothing relevant was found in what I may read.")
    citations: list[AssistantCitationOut]
    links: list[AssistantLinkOut]
    score: float | None
    latency_ms: int | None
    rating: int = Field(description="1 helpful, -1 not helpful, 0 not rated.")
    feedback: str
    created_at: dt.datetime

    @staticmethod
    def resolve_mode_label(obj: Turn) -> str:
        return str(obj.get_mode_display())

    @staticmethod
    def resolve_citations(obj: Turn) -> list[dict[str, Any]]:
        return selectors.turn_citations(obj)

    @staticmethod
    def resolve_links(obj: Turn) -> list[dict[str, str]]:
        return selectors.turn_links(obj)


class AssistantConversationOut(Schema):
    """One of my conversations."""

    id: int
    title: str
    created_at: dt.datetime
    updated_at: dt.datetime
    turn_count: int

    @staticmethod
    def resolve_turn_count(obj: Conversation) -> int:
        return int(getattr(obj, "turn_count", 0))


class AssistantConversationPage(CursorPage[AssistantConversationOut]):
    """A page of my conversations."""


class AssistantConversationDetailOut(AssistantConversationOut):
    """One of my conversations with its questions in order."""

    turns: list[AssistantTurnOut]

    @staticmethod
    def resolve_turns(obj: Conversation) -> list[Turn]:
        return list(obj.turns.all())


class AssistantRatingIn(Schema):
    """Did the answer help? A comment helps the administrators improve it."""

    rating: int = Field(description="1 helpful, -1 not helpful, 0 take my rating back.")
    comment: str = Field("", description="At most 1000 characters.")


class AssistantReviewOut(AssistantTurnOut):
    """A question for the administrators: not answered or down-voted, not yet reviewed."""

    asker: str
    conversation_title: str

    @staticmethod
    def resolve_asker(obj: Turn) -> str:
        return str(obj.conversation.user)

    @staticmethod
    def resolve_conversation_title(obj: Turn) -> str:
        return obj.conversation.title


class AssistantReviewPage(CursorPage[AssistantReviewOut]):
    """A page of questions to review."""


class AssistantReviewParams(CursorParams):
    """Which questions to review."""

    kind: Literal["all", "unanswered", "downvoted"] = "all"


class AssistantFaqIn(Schema):
    """An FAQ entry to write."""

    question: str = Field(description="At most 500 characters.")
    answer: str
    published: bool = True
    from_turn_id: int | None = Field(None, description="The reviewed question it answers.")


class AssistantFaqUpdateIn(Schema):
    """Changes to an FAQ entry; fields left out stay as they are."""

    question: str | None = None
    answer: str | None = None
    published: bool | None = None


class AssistantFaqOut(Schema):
    """An FAQ entry."""

    id: int
    question: str
    answer: str
    published: bool
    from_turn_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj: FaqEntry) -> str:
        base = _url("assistant:faq")
        return f"{base}#faq-{obj.pk}" if base else ""


class AssistantFaqPage(CursorPage[AssistantFaqOut]):
    """A page of the FAQ."""


class AssistantLibraryIn(Schema):
    """A policy document to add: its text in `body`, or (multipart) a PDF in `file`."""

    title: str = Field(description="At most 500 characters.")
    kind: str = Field("", description="e.g. Luật, Nghị định, Nghị quyết.")
    number: str = ""
    issuer: str = ""
    issued_date: dt.date | None = None
    effective_date: dt.date | None = None
    summary: str = ""
    body: str = Field("", description="The full text; read from the PDF when empty.")
    published: bool = True


class AssistantLibraryUpdateIn(Schema):
    """Changes to a policy document; fields left out stay as they are."""

    title: str | None = None
    kind: str | None = None
    number: str | None = None
    issuer: str | None = None
    issued_date: dt.date | None = None
    effective_date: dt.date | None = None
    summary: str | None = None
    body: str | None = None
    published: bool | None = None


class AssistantLibraryOut(Schema):
    """A policy document of the library (without its text: see the detail)."""

    id: int
    title: str
    kind: str
    number: str
    issuer: str
    issued_date: dt.date | None
    effective_date: dt.date | None
    summary: str
    published: bool
    has_pdf: bool
    page_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_has_pdf(obj: LibraryDocument) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_page_count(obj: LibraryDocument) -> int:
        return len(obj.pages or [])

    @staticmethod
    def resolve_url(obj: LibraryDocument) -> str:
        return _url("assistant:library_detail", obj.pk)


class AssistantLibraryDetailOut(AssistantLibraryOut):
    """A policy document with its text, whole and per page."""

    body: str
    pages: list[str]

    @staticmethod
    def resolve_pages(obj: LibraryDocument) -> list[str]:
        return [str(page) for page in obj.pages or []]


class AssistantLibraryPage(CursorPage[AssistantLibraryOut]):
    """A page of the policy library."""


# --- Asking and conversations ----------------------------------------------------------------
@router.post("/ask", response=AssistantTurnOut, summary="Ask the assistant a question")
def ask(request: HttpRequest, payload: AssistantAskIn) -> Turn:
    """Answered from what I may read, with numbered sources; kept in my conversation."""
    return services.ask(_user(request), payload.question, conversation_id=payload.conversation_id)


@router.get("/conversations", response=AssistantConversationPage, summary="My conversations")
def conversation_list(request: HttpRequest, page: Query[CursorParams]) -> dict[str, Any]:
    return paginate(selectors.conversation_list(_user(request)), params=page, key="-updated_at")


@router.get(
    "/conversations/{int:conversation_id}",
    response=AssistantConversationDetailOut,
    summary="One of my conversations",
)
def conversation_detail(request: HttpRequest, conversation_id: int) -> Conversation:
    return selectors.conversation_detail(_user(request), conversation_id)


@router.post("/turns/{int:turn_id}/rating", response=AssistantTurnOut, summary="Rate an answer")
def turn_rate(request: HttpRequest, turn_id: int, payload: AssistantRatingIn) -> Turn:
    return services.rate(_user(request), turn_id, payload.rating, payload.comment)


# --- Review ----------------------------------------------------------------------------------
@router.get("/review", response=AssistantReviewPage, summary="Questions to review (administrators)")
def review_list(request: HttpRequest, params: Query[AssistantReviewParams]) -> dict[str, Any]:
    turns = selectors.review_queue(_user(request), kind=params.kind)
    return paginate(turns, params=params, key="-created_at")


@router.post(
    "/review/{int:turn_id}/done",
    response=AssistantTurnOut,
    summary="Mark a question reviewed (administrators)",
)
def review_done(request: HttpRequest, turn_id: int) -> Turn:
    return services.turn_mark_reviewed(_user(request), turn_id, request=request)


# --- FAQ -------------------------------------------------------------------------------------
@router.get("/faq", response=AssistantFaqPage, summary="The FAQ")
def faq_list(request: HttpRequest, page: Query[CursorParams]) -> dict[str, Any]:
    return paginate(selectors.faq_list(_user(request)), params=page, key="-updated_at")


@router.get("/faq/{int:faq_id}", response=AssistantFaqOut, summary="An FAQ entry")
def faq_detail(request: HttpRequest, faq_id: int) -> FaqEntry:
    return selectors.faq_for_user(_user(request), faq_id)


@router.post("/faq", response={201: AssistantFaqOut}, summary="Write an FAQ entry (administrators)")
def faq_create(request: HttpRequest, payload: AssistantFaqIn) -> Status:
    entry = services.faq_create(
        _user(request),
        question=payload.question,
        answer=payload.answer,
        published=payload.published,
        from_turn_id=payload.from_turn_id,
        request=request,
    )
    return Status(201, entry)


@router.put(
    "/faq/{int:faq_id}", response=AssistantFaqOut, summary="Change an FAQ entry (administrators)"
)
def faq_update(request: HttpRequest, faq_id: int, payload: AssistantFaqUpdateIn) -> FaqEntry:
    return services.faq_update(
        _user(request),
        faq_id=faq_id,
        question=payload.question,
        answer=payload.answer,
        published=payload.published,
        request=request,
    )


@router.delete(
    "/faq/{int:faq_id}", response={204: None}, summary="Delete an FAQ entry (administrators)"
)
def faq_delete(request: HttpRequest, faq_id: int) -> Status:
    services.faq_delete(_user(request), faq_id=faq_id, request=request)
    return Status(204, None)


# --- Library ---------------------------------------------------------------------------------
def _validated(schema: type[Schema], data: dict[str, Any]) -> Any:
    """`data` checked against `schema`; a 422 naming the bad fields, as for a declared body."""
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(
            [
                {"loc": ("body", *error["loc"]), "msg": error["msg"], "type": error["type"]}
                for error in exc.errors()
            ]
        ) from exc


def _library_input(request: HttpRequest) -> tuple[AssistantLibraryIn, DjangoUploadedFile | None]:
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        data = {key: request.POST.get(key) for key in request.POST}
        # An empty form field means "not given" (dates, published): the defaults apply.
        data = {key: value for key, value in data.items() if value not in ("", None)}
        return _validated(AssistantLibraryIn, data), request.FILES.get("file")
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise DomainError(_("The request body is not valid JSON."), code="invalid_json") from exc
    if not isinstance(data, dict):
        raise DomainError(_("The request body must be a JSON object."), code="invalid_json")
    return _validated(AssistantLibraryIn, data), None


def _library_body() -> dict[str, Any]:
    """The OpenAPI request body of POST /library: JSON, or multipart with a PDF in `file`."""
    fields = AssistantLibraryIn.model_json_schema()
    with_file = {
        **fields,
        "properties": {
            **fields["properties"],
            "file": {
                "type": "string",
                "format": "binary",
                "description": "The PDF (with a text layer).",
            },
        },
    }
    return {
        "required": True,
        "content": {
            "application/json": {"schema": fields},
            "multipart/form-data": {"schema": with_file},
        },
    }


@router.get("/library", response=AssistantLibraryPage, summary="The policy library")
def library_list(request: HttpRequest, page: Query[CursorParams]) -> dict[str, Any]:
    return paginate(selectors.library_list(_user(request)), params=page, key="-updated_at")


@router.get(
    "/library/{int:library_id}", response=AssistantLibraryDetailOut, summary="A policy document"
)
def library_detail(request: HttpRequest, library_id: int) -> LibraryDocument:
    return selectors.library_for_user(_user(request), library_id)


@router.post(
    "/library",
    response={201: AssistantLibraryDetailOut},
    summary="Add a policy document (administrators)",
    openapi_extra={"requestBody": _library_body()},
)
def library_create(request: HttpRequest) -> Status:
    """JSON with the text in `body`, or multipart/form-data with the same fields and a PDF in
    `file` (at most `ASSISTANT_LIBRARY_MAX_BYTES`; its text is read per page)."""
    data, upload = _library_input(request)
    document = services.library_create(
        _user(request),
        title=data.title,
        kind=data.kind,
        number=data.number,
        issuer=data.issuer,
        issued_date=data.issued_date,
        effective_date=data.effective_date,
        summary=data.summary,
        body=data.body,
        published=data.published,
        upload=upload,
        request=request,
    )
    return Status(201, document)


@router.put(
    "/library/{int:library_id}",
    response=AssistantLibraryDetailOut,
    summary="Change a policy document (administrators)",
)
def library_update(
    request: HttpRequest, library_id: int, payload: AssistantLibraryUpdateIn
) -> LibraryDocument:
    given = payload.model_fields_set
    dates: dict[str, Any] = {
        name: getattr(payload, name) for name in ("issued_date", "effective_date") if name in given
    }
    return services.library_update(
        _user(request),
        library_id=library_id,
        title=payload.title,
        kind=payload.kind,
        number=payload.number,
        issuer=payload.issuer,
        summary=payload.summary,
        body=payload.body,
        published=payload.published,
        request=request,
        **dates,
    )


@router.post(
    "/library/{int:library_id}/file",
    response=AssistantLibraryDetailOut,
    summary="Replace a policy document's PDF (administrators)",
)
def library_file(
    request: HttpRequest, library_id: int, file: File[UploadedFile]
) -> LibraryDocument:
    """The text per page, and the whole text, are read again from the new PDF."""
    return services.library_update(
        _user(request), library_id=library_id, upload=file, request=request
    )


@router.delete(
    "/library/{int:library_id}",
    response={204: None},
    summary="Delete a policy document (administrators)",
)
def library_delete(request: HttpRequest, library_id: int) -> Status:
    services.library_delete(_user(request), library_id=library_id, request=request)
    return Status(204, None)
