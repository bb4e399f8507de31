"""The social network's search page: posts, people, pages, groups and hashtags, with filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from vcnet.social.models import Actor, Group
from vcnet.social.search import SocialResults, social_search
from vcnet.social.views.web import states_for, viewer

PAGE_SIZE = 20
RESULTS_TARGET = "search-results"
TABS = (
    ("", _("All")),
    ("posts", _("Posts")),
    ("people", _("People")),
    ("pages", _("Pages")),
    ("groups", _("Groups")),
    ("hashtags", _("Hashtags")),
)


class SearchForm(forms.Form):
    """The query, the tab, and the filters on posts."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    type = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    author = forms.CharField(
        label=_("Author"),
        max_length=31,
        required=False,
        help_text=_("A handle, such as @btg_hanoi."),
    )
    group = forms.CharField(label=_("Group"), max_length=60, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_author(self) -> Actor | None:
        handle = self.cleaned_data["author"].strip().lstrip("@").lower()
        if not handle:
            return None
        actor = Actor.objects.filter(handle=handle).first()
        if actor is None:
            raise forms.ValidationError(_("No one has this handle."))
        return actor

    def clean_group(self) -> Group | None:
        slug = self.cleaned_data["group"].strip().lower()
        if not slug:
            return None
        group = Group.objects.filter(slug=slug).first()
        if group is None:
            raise forms.ValidationError(_("There is no group at this address."))
        return group

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """/social/search/?q=...: results by tab, with author, group and time filters."""
    form = SearchForm(request.GET or None)
    results = SocialResults(q="")
    tab = ""
    if form.is_valid():
        data = form.cleaned_data
        tab = data["type"] or ""
        author: Actor | None = data["author"]
        group: Group | None = data["group"]
        results = social_search(
            viewer(request),
            data["q"],
            type=tab or None,
            author_id=author.pk if author else None,
            group_id=group.pk if group else None,
            since=data["since"],
            until=data["until"],
            limit=PAGE_SIZE,
        )
    elif form.is_bound:
        tab = request.GET.get("type", "") if request.GET.get("type") in dict(TABS) else ""
    query = request.GET.copy()
    query.pop("type", None)
    context = {
        "form": form,
        "results": results,
        "states": states_for(viewer(request), results.posts),
        "kind": tab,
        "tabs": TABS,
        "base_query": query.urlencode(),
        "filtered": any(request.GET.get(k) for k in ("author", "group", "since", "until")),
        "results_target": RESULTS_TARGET,
        "tab": "search",  # the social network's menu
    }
    htmx_target = request.headers.get("HX-Target")
    if request.headers.get("HX-Request") == "true" and htmx_target == RESULTS_TARGET:
        return render(request, "social/search/_results.html", context)
    return render(request, "social/search/search.html", context)
