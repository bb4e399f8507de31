"""The assistant's pages: the chat (panel on every page and full page), conversations, the
policy library, the FAQ, and the administrators' review, FAQ and library editing.

Views parse, call one service or selector, and render. A question asked with htmx answers with
the new turn as a fragment; without JavaScript the form posts and lands on the conversation.
When a language model is configured, `ask_stream` sends the answer as server-sent events
(a POST read with fetch(), CSRF-checked like any form).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vcnet.accounts.models import User
from vcnet.assistant import selectors, services
from vcnet.assistant.models import (
    Conversation,
    FaqEntry,
    LibraryDocument,
    Passage,
    SourceType,
    Turn,
)
from vcnet.core.errors import DomainError, PermissionDeniedError
from vcnet.core.search import search_query

UIS = ("p", "f")  # where a chat is drawn: the floating panel, the full page
PER_PAGE = 20
_MARKER = re.compile(r"\[(\d{1,3})\]")
_PARAGRAPHS = re.compile(r"\n\s*\n")


# --- Helpers -----------------------------------------------------------------------------------
def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _ui(data: Any) -> str:
    value = str(data.get("ui", "f"))
    return value if value in UIS else "f"


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise PermissionDeniedError(gettext_lazy("This page is for administrators."))


def _streaming() -> bool:
    """Whether answers are written by the language model (and streamed to the page)."""
    try:
        from vcnet.assistant import llm
    except ImportError:  # pragma: no cover - the module belongs to another part
        return False
    return bool(llm.enabled())


def _safe_url(url: Any) -> str:
    text = str(url or "")
    return text if text.startswith(("/", "https://", "http://")) else ""


def _citation_label(citation: dict[str, Any]) -> str:
    parts = [str(citation.get("title") or ""), str(citation.get("heading") or "")]
    if citation.get("page"):
        parts.append(_("page %(page)s") % {"page": citation["page"]})
    return " · ".join(part for part in parts if part)


def answer_html(text: str, citations: list[dict[str, Any]]) -> SafeString:
    """The answer escaped, in paragraphs, with each [n] a link to the source it cites."""
    by_n = {int(c.get("n") or 0): c for c in citations if _safe_url(c.get("url"))}

    def linked(chunk: str) -> str:
        out: list[str] = []
        position = 0
        for match in _MARKER.finditer(chunk):
            out.append(str(escape(chunk[position : match.start()])))
            citation = by_n.get(int(match.group(1)))
            if citation is None:
                out.append(str(escape(match.group(0))))
            else:
                out.append(
                    format_html(
                        '<a class="asst-ref" href="{}" title="{}">[{}]</a>',
                        _safe_url(citation.get("url")),
                        _citation_label(citation),
                        match.group(1),
                    )
                )
            position = match.end()
        out.append(str(escape(chunk[position:])))
        return "".join(out).replace("\n", "<br>")

    paragraphs = [p for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    return mark_safe("".join(f"<p>{linked(p)}</p>" for p in paragraphs))  # noqa: S308 (escaped above)


@dataclass
class TurnView:
    """One turn as the chat draws it."""

    turn: Turn
    html: SafeString
    citations: list[dict[str, Any]]
    links: list[dict[str, str]]


def _present(turn: Turn) -> TurnView:
    citations = [
        {**c, "url": _safe_url(c.get("url")), "label": _citation_label(c)}
        for c in selectors.turn_citations(turn)
    ]
    links = [{**link, "url": _safe_url(link.get("url"))} for link in selectors.turn_links(turn)]
    return TurnView(
        turn=turn, html=answer_html(turn.answer, citations), citations=citations, links=links
    )


def _chat_context(
    ui: str, conversation: Conversation | None, *, turns: list[Turn] | None = None
) -> dict[str, Any]:
    if turns is None:
        turns = list(conversation.turns.all()) if conversation is not None else []
    return {
        "ui": ui,
        "conversation": conversation,
        "items": [_present(turn) for turn in turns],
        "streaming": _streaming(),
    }


def _page(request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# --- The chat ----------------------------------------------------------------------------------
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The full chat with the person's conversations beside it; a new conversation."""
    return _chat_page(request, None)


@login_required
@require_GET
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the person's conversations (404 for anyone else's), ready to continue."""
    return _chat_page(request, selectors.conversation_detail(_user(request), pk))


def _chat_page(request: HttpRequest, current: Conversation | None) -> HttpResponse:
    conversations = selectors.conversation_list(_user(request))[:100]
    context = _chat_context("f", current)
    context.update({"conversations": conversations, "active": "chat"})
    return render(request, "assistant/index.html", context)


@login_required
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    """The panel's chat, loaded when it is first opened: the conversation it was showing, if any."""
    current: Conversation | None = None
    conversation_id = _int_or_none(request.GET.get("c"))
    if conversation_id is not None:
        try:
            current = selectors.conversation_detail(_user(request), conversation_id)
        except DomainError:
            current = None  # gone, or not theirs: start afresh
    return render(request, "assistant/_chat.html", _chat_context("p", current))


@login_required
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    """Ask a question; htmx gets the question and its answer to append, others the conversation."""
    ui = _ui(request.POST)
    conversation_id = _int_or_none(request.POST.get("conversation"))
    try:
        turn = services.ask(
            _user(request), request.POST.get("question", ""), conversation_id=conversation_id
        )
    except DomainError as exc:
        if _htmx(request):
            return render(request, "assistant/_error.html", {"message": exc.message})
        messages.error(request, str(exc.message))
        if conversation_id is not None and exc.status != 404:
            return redirect("assistant:conversation", conversation_id)
        return redirect("assistant:index")
    url = reverse("assistant:conversation", args=[turn.conversation_id])
    if not _htmx(request):
        return HttpResponseRedirect(f"{url}#turn-{turn.pk}")
    response = render(
        request, "assistant/_turn.html", {"item": _present(turn), "ui": ui, "oob": True}
    )
    if ui == "f":
        response["HX-Push-Url"] = url
    return response


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@login_required
@require_POST
def ask_stream(request: HttpRequest) -> HttpResponseBase:
    """Ask a question and receive the answer as server-sent events while it is written:
    `meta` (ids), `delta` (text, many), then `done` (the turn drawn with its citations) or `error`.
    """
    ui = _ui(request.POST)
    try:
        turn, deltas = services.ask_generative(
            _user(request),
            request.POST.get("question", ""),
            conversation_id=_int_or_none(request.POST.get("conversation")),
        )
    except DomainError as exc:
        refused = StreamingHttpResponse(
            iter([_event("error", {"message": str(exc.message)})]),
            content_type="text/event-stream; charset=utf-8",
            status=exc.status,
        )
        refused["Cache-Control"] = "no-cache"
        return refused
    language = translation.get_language()

    def events() -> Iterator[str]:
        with translation.override(language):
            yield _event("meta", {"turn": turn.pk, "conversation": turn.conversation_id})
            for delta in deltas:
                yield _event("delta", {"text": delta})
            turn.refresh_from_db()
            html = render_to_string(
                "assistant/_turn.html",
                {"item": _present(turn), "ui": ui, "oob": False},
                request=request,
            )
            yield _event("done", {"html": html, "conversation": turn.conversation_id})

    response = StreamingHttpResponse(events(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Thumbs up or down on an answer, with an optional comment (only the asker)."""
    ui = _ui(request.POST)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        rating = 2  # refused by the service with its message
    try:
        turn = services.rate(_user(request), pk, rating, request.POST.get("comment", ""))
    except DomainError as exc:
        if exc.status == 404 or not _htmx(request):
            raise
        turn = selectors.turn_for_user(_user(request), pk)
        return render(
            request, "assistant/_rating.html", {"turn": turn, "ui": ui, "error": exc.message}
        )
    if not _htmx(request):
        messages.success(request, _("Thank you for your feedback."))
        url = reverse("assistant:conversation", args=[turn.conversation_id])
        return HttpResponseRedirect(f"{url}#turn-{turn.pk}")
    return render(request, "assistant/_rating.html", {"turn": turn, "ui": ui, "saved": True})


# --- The library -------------------------------------------------------------------------------
def _library_matching(documents: QuerySet[LibraryDocument], q: str) -> QuerySet[LibraryDocument]:
    """Documents whose description or text matches `q` (the text ignoring diacritics)."""
    library_passages = (
        Passage.objects.filter(source_type=SourceType.LIBRARY)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    hits = search_query(
        q,
        scopes=["assistant"],
        types=["assistant.passage"],
        limit=100,
        within=library_passages,
    )
    source_ids = Passage.objects.filter(
        pk__in=[int(hit.object_id) for hit in hits], source_type=SourceType.LIBRARY
    ).values_list("source_id", flat=True)
    ids = {int(sid) for sid in source_ids if sid.isdigit()}
    return documents.filter(
        Q(pk__in=ids)
        | Q(title__icontains=q)
        | Q(number__icontains=q)
        | Q(kind__icontains=q)
        | Q(issuer__icontains=q)
        | Q(summary__icontains=q)
    )


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """The policy library, searchable (published documents; administrators see all)."""
    q = request.GET.get("q", "").strip()[:200]
    documents = selectors.library_list(request.user)
    if q:
        documents = _library_matching(documents, q)
    return render(
        request,
        "assistant/library.html",
        {"page": _page(request, documents), "q": q, "active": "library"},
    )


@require_GET
def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A library document's text page by page, each page with an anchor (`#page-N`)."""
    document = selectors.library_for_user(request.user, pk)
    texts = [str(text or "") for text in (document.pages or [])]
    if not any(text.strip() for text in texts):
        texts = [document.body]
    pages = [{"n": n, "text": text} for n, text in enumerate(texts, start=1)]
    return render(
        request,
        "assistant/library_detail.html",
        {"document": document, "pages": pages, "active": "library"},
    )


class LibraryForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)
    kind = forms.CharField(
        label=gettext_lazy("Kind"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("e.g. Luật, Nghị định, Nghị quyết"),
    )
    number = forms.CharField(
        label=gettext_lazy("Number and notation"), max_length=60, required=False
    )
    issuer = forms.CharField(label=gettext_lazy("Issued by"), max_length=200, required=False)
    issued_date = forms.DateField(
        label=gettext_lazy("Issue date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    effective_date = forms.DateField(
        label=gettext_lazy("In force from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pdf = forms.FileField(
        label=gettext_lazy("PDF"),
        required=False,
        help_text=gettext_lazy(
            "The text of each page is read from the PDF, so answers can cite the page."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        help_text=gettext_lazy("Leave empty to use the text of the PDF."),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    published = forms.BooleanField(label=gettext_lazy("Published"), required=False, initial=True)


_LIBRARY_FIELDS = ("title", "kind", "number", "issuer", "issued_date", "effective_date", "summary")


@login_required
@require_http_methods(["GET", "POST"])
def library_create(request: HttpRequest) -> HttpResponse:
    """An administrator adds a policy document (a PDF, or pasted text)."""
    _require_staff(_user(request))
    form = LibraryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.library_create(
                _user(request),
                **{field: data[field] for field in _LIBRARY_FIELDS},
                body=data["body"],
                published=data["published"],
                upload=data["pdf"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The document was added to the library."))
            return redirect("assistant:library_detail", document.pk)
    return render(
        request,
        "assistant/library_form.html",
        {"form": form, "document": None, "active": "library"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def library_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator changes a policy document or replaces its PDF."""
    _require_staff(_user(request))
    document = selectors.library_for_user(request.user, pk)
    initial = {field: getattr(document, field) for field in _LIBRARY_FIELDS}
    initial.update({"body": document.body, "published": document.published})
    form = LibraryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["pdf"] or None
        # A new PDF brings its own text unless the text was changed by hand too.
        body = data["body"] if (upload is None or "body" in form.changed_data) else None
        try:
            services.library_update(
                _user(request),
                library_id=document.pk,
                **{field: data[field] for field in _LIBRARY_FIELDS},
                body=body,
                published=data["published"],
                upload=upload,
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The document was saved."))
            return redirect("assistant:library_detail", document.pk)
    return render(
        request,
        "assistant/library_form.html",
        {"form": form, "document": document, "active": "library"},
    )


@login_required
@require_POST
def library_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator deletes a policy document."""
    services.library_delete(_user(request), library_id=pk, request=request)
    messages.success(request, _("The document was deleted from the library."))
    return redirect("assistant:library")


# --- The FAQ -----------------------------------------------------------------------------------
@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    """The frequently asked questions, each with an anchor (`#faq-<id>`)."""
    return render(
        request,
        "assistant/faq.html",
        {"entries": selectors.faq_list(request.user), "active": "faq"},
    )


class FaqForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    published = forms.BooleanField(label=gettext_lazy("Published"), required=False, initial=True)
    turn = forms.IntegerField(required=False, widget=forms.HiddenInput)


@login_required
@require_http_methods(["GET", "POST"])
def faq_create(request: HttpRequest) -> HttpResponse:
    """An administrator writes an FAQ entry, possibly for a question from the review queue."""
    _require_staff(_user(request))
    initial: dict[str, Any] = {"published": True}
    turn_id = _int_or_none(request.GET.get("turn"))
    if turn_id is not None:
        question = Turn.objects.filter(pk=turn_id).values_list("question", flat=True).first()
        if question is not None:
            initial.update({"question": question, "turn": turn_id})
    form = FaqForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.faq_create(
                _user(request),
                question=data["question"],
                answer=data["answer"],
                published=data["published"],
                from_turn_id=data["turn"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The FAQ entry was saved."))
            return HttpResponseRedirect(f"{reverse('assistant:faq')}#faq-{entry.pk}")
    return render(
        request, "assistant/faq_form.html", {"form": form, "entry": None, "active": "faq"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def faq_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator changes an FAQ entry."""
    _require_staff(_user(request))
    entry: FaqEntry = selectors.faq_for_user(request.user, pk)
    form = FaqForm(
        request.POST or None,
        initial={"question": entry.question, "answer": entry.answer, "published": entry.published},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.faq_update(
                _user(request),
                faq_id=entry.pk,
                question=data["question"],
                answer=data["answer"],
                published=data["published"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The FAQ entry was saved."))
            return HttpResponseRedirect(f"{reverse('assistant:faq')}#faq-{entry.pk}")
    return render(
        request, "assistant/faq_form.html", {"form": form, "entry": entry, "active": "faq"}
    )


@login_required
@require_POST
def faq_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator deletes an FAQ entry."""
    services.faq_delete(_user(request), faq_id=pk, request=request)
    messages.success(request, _("The FAQ entry was deleted."))
    return redirect("assistant:faq")


# --- Review ------------------------------------------------------------------------------------
@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """Questions the assistant could not answer or whose answer was down-voted."""
    kind = request.GET.get("kind", "all")
    if kind not in selectors.REVIEW_KINDS:
        kind = "all"
    turns = selectors.review_queue(_user(request), kind=kind)
    kinds = [
        ("all", _("All")),
        ("unanswered", _("Not answered")),
        ("downvoted", _("Not helpful")),
    ]
    return render(
        request,
        "assistant/review.html",
        {"page": _page(request, turns, 30), "kind": kind, "kinds": kinds, "active": "review"},
    )


@login_required
@require_POST
def review_done(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator marks a question as dealt with; htmx removes it from the list."""
    services.turn_mark_reviewed(_user(request), pk, request=request)
    if _htmx(request):
        return HttpResponse("")
    messages.success(request, _("The question was marked as reviewed."))
    kind = request.POST.get("kind", "all")
    query = f"?kind={kind}" if kind in selectors.REVIEW_KINDS else ""
    return HttpResponseRedirect(reverse("assistant:review") + query)
