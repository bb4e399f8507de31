"""Context notes pages: a post's notes with the form to write one, rating a note, and the notes
that need ratings. Everything works without JavaScript; htmx only swaps a rated note in place."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.moderation import selectors_notes
from vcnet.moderation.models import Helpfulness, NoteClassification
from vcnet.moderation.services import notes as note_services
from vcnet.moderation.services.notes import MAX_SOURCES, MAX_TEXT, HelpfulTag, UnhelpfulTag
from vcnet.social import access
from vcnet.social.views.web import is_htmx, next_url, viewer

PAGE_SIZE = 30
_FIELD_OF_CODE = {"text": "text", "sources": "sources", "classification": "classification"}


class NoteForm(forms.Form):
    """A new context note: is the post misleading, the note, its sources (one per line)."""

    classification = forms.ChoiceField(
        label=gettext_lazy("The post is"),
        choices=NoteClassification.choices,
        initial=NoteClassification.MISLEADING,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Your note"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Explain the context readers need, in neutral words that people who disagree "
            "with each other would both find helpful. Markdown links are allowed."
        ),
    )
    sources = forms.CharField(
        label=gettext_lazy("Sources"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://"}),
        help_text=gettext_lazy("One web address per line, at most five."),
    )

    def clean_sources(self) -> list[str]:
        lines = str(self.cleaned_data.get("sources") or "").splitlines()
        urls = [line.strip() for line in lines if line.strip()]
        if len(urls) > MAX_SOURCES:
            raise forms.ValidationError(
                _("A note may cite at most %(max)d sources.") % {"max": MAX_SOURCES}
            )
        return urls


class RateForm(forms.Form):
    """A rating of a note, with the optional reasons."""

    helpfulness = forms.ChoiceField(choices=Helpfulness.choices)
    tags = forms.MultipleChoiceField(
        choices=[*HelpfulTag.choices, *UnhelpfulTag.choices], required=False
    )


def _rating_context() -> dict[str, Any]:
    return {
        "helpful_tags": HelpfulTag.choices,
        "unhelpful_tags": UnhelpfulTag.choices,
        "ratings": Helpfulness.choices,
    }


def _page_url(post_id: int) -> str:
    return reverse("moderation:notes_post", args=[post_id])


@require_http_methods(["GET", "POST"])
def notes_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post's context notes, with statuses explained, rate buttons and the form to write one."""
    user = viewer(request)
    form = NoteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if user is None:
            return redirect(f"{reverse('accounts:login')}?next={_page_url(post_id)}")
        if form.is_valid():
            try:
                note = note_services.note_create(
                    user=user,
                    post_id=post_id,
                    text=form.cleaned_data["text"],
                    sources=form.cleaned_data["sources"],
                    classification=form.cleaned_data["classification"],
                    request=request,
                )
            except NotFound:
                raise
            except DomainError as error:
                form.add_error(_FIELD_OF_CODE.get(error.code), str(error.message))
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your note was saved. Other contributors will rate it; "
                        "it is shown under the post once rated helpful across points of view."
                    ),
                )
                return redirect(f"{_page_url(note.post_id)}#note-{note.pk}")
        else:
            status = 400
    page = selectors_notes.notes_for_post(user, post_id)
    if page.post.pk != post_id and request.method == "GET":
        return redirect("moderation:notes_post", post_id=page.post.pk)
    state = access.viewer_state(user, [page.post]).get(page.post.pk) if user else None
    return render(
        request,
        "moderation/notes_post.html",
        {"page": page, "post": page.post, "state": state, "form": form, **_rating_context()},
        status=status,
    )


@login_required
@require_POST
def note_rate(request: HttpRequest, note_id: int) -> HttpResponse:
    """Rate a note (again: the new rating replaces the old one), then back where one came from."""
    user = cast(User, request.user)
    note = selectors_notes.note_detail(user, note_id)  # 404 for a note one may not see
    form = RateForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            note_services.note_rate(
                user=user,
                note_id=note_id,
                helpfulness=form.cleaned_data["helpfulness"],
                tags=form.cleaned_data["tags"],
                request=request,
            )
        except DomainError as exc:
            error = str(exc.message)
    else:
        error = _("Pick one of the rating buttons: helpful, somewhat helpful or not helpful.")
    if is_htmx(request):
        note = selectors_notes.note_detail(user, note_id)
        return render(
            request,
            "moderation/notes_note.html",
            {
                "note": note,
                "rate_error": error,
                "rated": not error,
                "show_post": request.POST.get("show_post") == "1",
                "next": request.POST.get("next", ""),
                **_rating_context(),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you: your rating was saved."))
    return redirect(next_url(request, f"{_page_url(note.post_id)}#note-{note.pk}"))


@login_required
def notes_needing(request: HttpRequest) -> HttpResponse:
    """Notes waiting for ratings, for contributors: the least rated first."""
    user = cast(User, request.user)
    raw = request.GET.get("offset", "")
    offset = int(raw) if raw.isdigit() else 0
    notes = selectors_notes.notes_needing(user, limit=PAGE_SIZE + 1, offset=offset)
    eligible, reason = note_services.note_eligibility(user)
    more = len(notes) > PAGE_SIZE
    return render(
        request,
        "moderation/notes_needing.html",
        {
            "notes": notes[:PAGE_SIZE],
            "eligible": eligible,
            "reason": reason,
            "next_offset": offset + PAGE_SIZE if more else None,
            "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
            **_rating_context(),
        },
    )
