"""The inbox, the document list and search, saved searches."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vcnet.accounts.models import Role
from vcnet.core.errors import DomainError
from vcnet.documents.forms import SavedSearchForm, SearchForm
from vcnet.documents.selectors import TAB_NAMES, document_list, document_search, inbox_counts
from vcnet.documents.selectors import inbox as inbox_items
from vcnet.documents.services.searches import (
    saved_searches,
    savedsearch_create,
    savedsearch_delete,
)
from vcnet.documents.views._common import keyset_page, my_units, units_with_role, user_of

TAB_LABELS = {
    "all": gettext_lazy("All"),
    "register": gettext_lazy("To register"),
    "direct": gettext_lazy("To direct"),
    "handle": gettext_lazy("To handle"),
    "approve": gettext_lazy("To approve"),
    "sign": gettext_lazy("To sign"),
    "issue": gettext_lazy("To issue"),
    "info": gettext_lazy("For information"),
    "overdue": gettext_lazy("Overdue"),
    "week": gettext_lazy("Due this week"),
}
EMPTY_TEXT = {
    "all": gettext_lazy(
        "Nothing is waiting for you. New documents to register, direct, handle or approve "
        "will appear here."
    ),
    "register": gettext_lazy(
        "No document waits for registration. Receive a new one with the button above."
    ),
    "direct": gettext_lazy("No document waits for your direction."),
    "handle": gettext_lazy("You have nothing to handle right now."),
    "approve": gettext_lazy("No draft waits for your approval."),
    "sign": gettext_lazy("No document waits for your signature."),
    "issue": gettext_lazy("No document waits to be numbered and issued."),
    "info": gettext_lazy("No document was sent to you for information."),
    "overdue": gettext_lazy("Nothing is overdue. Well done."),
    "week": gettext_lazy("Nothing falls due in the next seven days."),
}
INBOX_KEY = ["priority", "created_at", "id"]
LIST_KEY = ["created_at", "id"]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My work: one tab per kind of work, most urgent first, 20 at a time."""
    user = user_of(request)
    tab = request.GET.get("tab", "all")
    if tab not in TAB_NAMES:
        tab = "all"
    items, next_cursor = keyset_page(
        inbox_items(user, tab), INBOX_KEY, request.GET.get("after", "")
    )
    context: dict[str, Any] = {
        "tab": tab,
        "items": items,
        "next_url": f"?{urlencode({'tab': tab, 'after': next_cursor})}" if next_cursor else "",
        "empty_text": EMPTY_TEXT[tab],
    }
    if request.htmx and request.GET.get("after"):  # type: ignore[attr-defined]
        return render(request, "documents/_inbox_rows.html", context)
    counts = inbox_counts(user)
    context["tabs"] = [(name, TAB_LABELS[name], counts[name]) for name in TAB_NAMES]
    context["can_receive"] = units_with_role(user, Role.CLERK).exists()
    context["can_draft"] = my_units(user).exists()
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "documents/_inbox_panel.html", context)
    return render(request, "documents/inbox.html", context)


def _search_form(request: HttpRequest, data: QueryDict) -> SearchForm:
    return SearchForm(data or None, units=my_units(user_of(request)))


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The documents I may read: full-text search (q) or the newest first, with filters."""
    user = user_of(request)
    form = _search_form(request, request.GET)
    hits = None
    documents: list[object] = []
    next_url = ""
    q = ""
    if form.is_bound and form.is_valid():
        q = form.cleaned_data.get("q", "").strip()
        filters = form.filters()
    else:
        filters = None
    if form.is_bound and not form.is_valid():
        documents = []
    elif q:
        hits = document_search(user, q, filters)
    else:
        documents, cursor = keyset_page(
            document_list(user, filters), LIST_KEY, request.GET.get("after", "")
        )
        if cursor:
            params = request.GET.copy()
            params["after"] = cursor
            next_url = f"?{params.urlencode()}"
    context = {
        "form": form,
        "q": q,
        "hits": hits,
        "documents": documents,
        "next_url": next_url,
        "saved": saved_searches(user),
        "save_form": SavedSearchForm(),
    }
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template = (
            "documents/_search_rows.html" if request.GET.get("after") else "documents/_results.html"
        )
        return render(request, template, context)
    return render(request, "documents/search.html", context)


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    """Keep the current search (its parameters come with the form) under a name."""
    user = user_of(request)
    form = SavedSearchForm(request.POST)
    search_form = _search_form(request, request.POST)
    search_form.is_valid()
    if form.is_valid():
        try:
            savedsearch_create(
                actor=user, name=form.cleaned_data["name"], params=search_form.params()
            )
            messages.success(request, _("Search saved."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Give the search a name."))
    return redirect(f"{reverse('documents:search')}?{urlencode(search_form.params())}")


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of my saved searches."""
    savedsearch_delete(actor=user_of(request), search_id=pk)
    messages.success(request, _("Saved search deleted."))
    return redirect("documents:search")
