"""Official clarifications pages: the public list and page (with its schema.org ClaimReview),
the PDF it cites, and the forms editors of verified pages use to publish, correct, name posts
and withdraw. Everything works without JavaScript."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.moderation import jsonld, selectors_clarifications
from vcnet.moderation.models import Clarification, Verdict
from vcnet.moderation.services import clarifications as services
from vcnet.moderation.services.clarifications import (
    MAX_CLAIM,
    MAX_EXPLANATION,
    MAX_POSTS,
    MAX_TITLE,
    public_url,
)
from vcnet.social.views.web import viewer

PAGE_SIZE = 30
_FIELDS = ("title", "claim", "claim_url", "verdict", "explanation", "sources", "document", "posts")
_POST_REF = re.compile(r"^(?:.*/posts/)?(\d+)/?(?:[?#].*)?$")


def parse_post_refs(text: str) -> list[int]:
    """Post numbers from post addresses or numbers, separated by spaces, commas or lines."""
    ids: list[int] = []
    for token in re.split(r"[\s,;]+", text or ""):
        if not token:
            continue
        match = _POST_REF.match(token)
        if match is None:
            raise forms.ValidationError(
                _("“%(ref)s” is not the address or number of a post.") % {"ref": token[:100]}
            )
        ids.append(int(match.group(1)))
    if len(ids) > MAX_POSTS:
        raise forms.ValidationError(_("Name at most %(max)d posts at a time.") % {"max": MAX_POSTS})
    return ids


def parse_sources(text: str) -> list[dict[str, str]]:
    """Sources written one per line: the web address first, then its title if any."""
    sources: list[dict[str, str]] = []
    for line in (text or "").splitlines():
        parts = line.strip().split(None, 1)
        if parts:
            sources.append({"url": parts[0], "title": parts[1].strip() if len(parts) > 1 else ""})
    return sources


def sources_text(sources: list[dict[str, str]]) -> str:
    """The sources as the form writes them (see `parse_sources`)."""
    return "\n".join(f"{s['url']} {s['title']}".strip() for s in sources)


class ClarificationForm(forms.Form):
    """A clarification: the page, the claim and its verdict, the explanation and sources, a PDF
    and (when publishing) the posts that spread the claim."""

    page = forms.TypedChoiceField(label=gettext_lazy("Published by"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=MAX_TITLE)
    claim = forms.CharField(
        label=gettext_lazy("The claim"),
        max_length=MAX_CLAIM,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What is being said, in one or two sentences."),
    )
    claim_url = forms.CharField(
        label=gettext_lazy("Where the claim first appeared"),
        required=False,
        max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    verdict = forms.ChoiceField(
        label=gettext_lazy("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"),
        max_length=MAX_EXPLANATION,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("What is true and how you know it. Markdown is allowed."),
    )
    sources = forms.CharField(
        label=gettext_lazy("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "https://… Tên nguồn"}),
        help_text=gettext_lazy("One per line: the web address, then its title. At most ten."),
    )
    document = forms.FileField(
        label=gettext_lazy("Source document (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=gettext_lazy("An official document backing the clarification, at most 20 MB."),
    )
    remove_document = forms.BooleanField(
        label=gettext_lazy("Remove the current document"), required=False
    )
    posts = forms.CharField(
        label=gettext_lazy("Posts that spread the claim"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Addresses or numbers of public posts, one per line. They stay visible and get "
            "a label linking to this clarification; their authors are told."
        ),
    )

    def __init__(self, *args: Any, pages: list[Any], editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["page"])
        field.choices = [(page.pk, f"{page.display_name} (@{page.handle})") for page in pages]
        if editing:
            del self.fields["page"], self.fields["posts"]
        else:
            del self.fields["remove_document"]

    def clean_posts(self) -> list[int]:
        return parse_post_refs(str(self.cleaned_data.get("posts") or ""))

    def clean_sources(self) -> list[dict[str, str]]:
        return parse_sources(str(self.cleaned_data.get("sources") or ""))


class LinkForm(forms.Form):
    """More posts for a published clarification."""

    posts = forms.CharField(
        label=gettext_lazy("Name more posts"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Addresses or numbers of public posts, one per line."),
    )

    def clean_posts(self) -> list[int]:
        return parse_post_refs(str(self.cleaned_data.get("posts") or ""))


def _by_slug(slug: str) -> Clarification:
    clarification = Clarification.objects.select_related("page").filter(slug=slug).first()
    if clarification is None:
        raise Http404(_("Clarification not found."))
    return clarification


def _add_error(form: forms.Form, error: DomainError) -> None:
    field = error.code if error.code in form.fields else None
    if isinstance(error, NotFound) and "posts" in form.fields:
        field = "posts"
    form.add_error(field, str(error.message))


@require_GET
def clarifications(request: HttpRequest) -> HttpResponse:
    """Every published clarification, newest first, with filters by verdict and page."""
    raw = request.GET.get("offset", "")
    offset = int(raw) if raw.isdigit() else 0
    verdict = request.GET.get("verdict", "")
    query = request.GET.get("q", "")[:100]
    page = request.GET.get("page", "")[:60]
    rows = selectors_clarifications.clarification_list(
        page=page, verdict=verdict, query=query, limit=PAGE_SIZE + 1, offset=offset
    )
    return render(
        request,
        "moderation/clarification_list.html",
        {
            "clarifications": rows[:PAGE_SIZE],
            "verdicts": Verdict.choices,
            "verdict": verdict,
            "query": query,
            "page_filter": page,
            "can_publish": bool(selectors_clarifications.editable_pages(viewer(request))),
            "next_offset": offset + PAGE_SIZE if len(rows) > PAGE_SIZE else None,
            "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
        },
    )


@require_GET
def clarification(request: HttpRequest, slug: str) -> HttpResponse:
    """A clarification's public page, with its ClaimReview for search engines."""
    detail = selectors_clarifications.clarification_detail(viewer(request), slug)
    review = jsonld.claim_review(
        detail.clarification, posts=detail.posts, absolute=request.build_absolute_uri
    )
    return render(
        request,
        "moderation/clarification_detail.html",
        {
            "detail": detail,
            "item": detail.clarification,
            "claim_review": jsonld.script_json(review),
            "link_form": LinkForm() if detail.can_edit else None,
        },
    )


@require_GET
def clarification_document(request: HttpRequest, slug: str) -> FileResponse:
    """The PDF a clarification cites, for anyone."""
    item = _by_slug(slug)
    if not item.document:
        raise Http404(_("This clarification has no document."))
    response = FileResponse(
        item.document.open("rb"),
        content_type="application/pdf",
        filename=f"{item.slug}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def clarification_new(request: HttpRequest) -> HttpResponse:
    """Publish a clarification for a verified page one edits."""
    user = cast(User, request.user)
    pages = selectors_clarifications.editable_pages(user)
    if not pages:
        return render(request, "moderation/clarification_form.html", {"form": None}, status=403)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ClarificationForm(*data, pages=pages, initial={"page": pages[0].pk})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                item = services.clarification_create(
                    user=user,
                    page_id=values["page"],
                    title=values["title"],
                    claim=values["claim"],
                    claim_url=values["claim_url"],
                    verdict=values["verdict"],
                    explanation=values["explanation"],
                    sources=values["sources"],
                    document=values.get("document"),
                    post_ids=values["posts"],
                    request=request,
                )
            except DomainError as error:
                _add_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The clarification is published."))
                return redirect(public_url(item))
        else:
            status = 400
    return render(
        request, "moderation/clarification_form.html", {"form": form, "item": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def clarification_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Correct a published clarification (its address stays)."""
    user = cast(User, request.user)
    item = services.clarification_for_editor(user, _by_slug(slug).pk)
    initial = {
        "title": item.title,
        "claim": item.claim,
        "claim_url": item.claim_url,
        "verdict": item.verdict,
        "explanation": item.explanation,
        "sources": sources_text(item.sources),
    }
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ClarificationForm(*data, pages=[], editing=True, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.cleaned_data
            try:
                item = services.clarification_update(
                    user=user,
                    clarification_id=item.pk,
                    title=values["title"],
                    claim=values["claim"],
                    claim_url=values["claim_url"],
                    verdict=values["verdict"],
                    explanation=values["explanation"],
                    sources=values["sources"],
                    document=values.get("document") or None,
                    remove_document=values["remove_document"],
                    request=request,
                )
            except DomainError as error:
                _add_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The clarification is updated."))
                return redirect(public_url(item))
        else:
            status = 400
    return render(
        request, "moderation/clarification_form.html", {"form": form, "item": item}, status=status
    )


@login_required
@require_POST
def clarification_link(request: HttpRequest, slug: str) -> HttpResponse:
    """Name more posts in a clarification."""
    user = cast(User, request.user)
    item = _by_slug(slug)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            new = services.clarification_link_posts(
                user=user,
                clarification_id=item.pk,
                post_ids=form.cleaned_data["posts"],
                request=request,
            )
        except DomainError as error:
            if error.status == 403:
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d more post now carries the clarification's label.",
                    "%(n)d more posts now carry the clarification's label.",
                    len(new),
                )
                % {"n": len(new)},
            )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("posts", [])))
    return redirect(f"{public_url(item)}#posts")


@login_required
@require_POST
def clarification_unlink(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """Stop naming a post: its label comes off."""
    item = _by_slug(slug)
    services.clarification_unlink_post(
        user=cast(User, request.user), clarification_id=item.pk, post_id=post_id, request=request
    )
    messages.success(request, _("The post no longer carries the clarification's label."))
    return redirect(f"{public_url(item)}#posts")


@login_required
@require_http_methods(["GET", "POST"])
def clarification_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Withdraw a clarification, after a confirmation page."""
    user = cast(User, request.user)
    item = services.clarification_for_editor(user, _by_slug(slug).pk)
    if request.method == "POST":
        services.clarification_delete(user=user, clarification_id=item.pk, request=request)
        messages.success(request, _("The clarification is withdrawn and its labels removed."))
        return redirect("moderation:clarifications")
    return render(request, "moderation/clarification_delete.html", {"item": item})
