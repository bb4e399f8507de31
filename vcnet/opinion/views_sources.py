"""The analysts' pages for what is monitored: sources with their fetch status (add a news feed,
pause or resume one, import a CSV/XLSX file of press clippings) and watchlists of terms.

Thin views: a Django form parses, a service changes, the page shows the outcome (for an import,
how many items are new and every refused row with its reason).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, PermissionDeniedError
from vcnet.opinion import selectors, services
from vcnet.opinion.models import Watchlist
from vcnet.opinion.provinces import PROVINCES

MAX_ERRORS_SHOWN = 50


def _analyst(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not selectors.can_analyse(user):
        raise PermissionDeniedError(gettext_lazy("Public-opinion monitoring is for analysts only."))
    return user


def _province_choices() -> list[tuple[str, object]]:
    return [("", gettext_lazy("— none —")), *((p, p) for p in PROVINCES)]


class FeedForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the outlet"), max_length=200)
    url = forms.URLField(
        label=gettext_lazy("Address of its RSS or Atom feed"),
        max_length=1000,
        assume_scheme="https",
    )
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False, choices=[])
    interval_minutes = forms.IntegerField(
        label=gettext_lazy("Fetch every (minutes)"), min_value=5, max_value=1440, initial=30
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["province"].choices = _province_choices()  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or Excel file of press clippings"),
        help_text=gettext_lazy(
            "Columns: tiêu đề, nội dung, đường dẫn, ngày, báo, tỉnh (title, text, url, date, "
            "outlet, province). Text (or a title) and a date are required."
        ),
    )
    outlet = forms.CharField(
        label=gettext_lazy("Source name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Items are grouped under this source (default: Press clippings)."),
    )
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False, choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["province"].choices = _province_choices()  # type: ignore[attr-defined]


class WatchlistForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    terms = forms.CharField(
        label=gettext_lazy("Terms"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One term a line; diacritics are ignored (“gia dien” finds “giá điện”)."
        ),
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("Alert at (mentions per hour)"), min_value=1, max_value=100000, initial=5
    )


def _sources_page(
    request: HttpRequest,
    feed_form: FeedForm | None = None,
    import_form: ImportForm | None = None,
    import_result: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "opinion/sources.html",
        {
            "active": "sources",
            "sources": selectors.sources_status(),
            "pending": selectors.pending_count(),
            "feed_form": feed_form or FeedForm(),
            "import_form": import_form or ImportForm(),
            "import_result": import_result,
            "max_mb": settings.OPINION_IMPORT_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sources(request: HttpRequest) -> HttpResponse:
    """Sources with their status; POST adds a news feed."""
    user = _analyst(request)
    if request.method == "GET":
        return _sources_page(request)
    form = FeedForm(request.POST)
    if form.is_valid():
        try:
            source = services.feed_create(user, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("“%(name)s” is followed; it is read within a minute.") % {"name": source.name},
            )
            return HttpResponseRedirect(reverse("opinion:sources"))
    return _sources_page(request, feed_form=form, status=400)


@login_required
@require_POST
def source_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _analyst(request)
    source = services.source_set_active(
        user, pk, request.POST.get("active") == "1", request=request
    )
    if source.active:
        messages.success(request, _("“%(name)s” is read again.") % {"name": source.name})
    else:
        messages.success(request, _("“%(name)s” is paused.") % {"name": source.name})
    return HttpResponseRedirect(reverse("opinion:sources"))


@login_required
@require_POST
def clippings_import(request: HttpRequest) -> HttpResponse:
    """Import a file of press clippings; the page lists what was refused and why."""
    user = _analyst(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _sources_page(request, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    new, result = services.clippings_import(
        user,
        upload,
        upload.name or "",
        outlet=form.cleaned_data["outlet"],
        province=form.cleaned_data["province"],
        request=request,
    )
    summary = {
        "filename": upload.name,
        "read": len(result.drafts),
        "new": new,
        "errors": result.errors[:MAX_ERRORS_SHOWN],
        "more_errors": max(0, len(result.errors) - MAX_ERRORS_SHOWN),
    }
    if not result.drafts:
        return _sources_page(request, import_form=form, import_result=summary, status=400)
    return _sources_page(request, import_result=summary)


@login_required
@require_http_methods(["GET", "POST"])
def watchlists(request: HttpRequest) -> HttpResponse:
    """My watchlists; POST creates one."""
    user = _analyst(request)
    form = WatchlistForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.watchlist_save(
                    user,
                    name=form.cleaned_data["name"],
                    terms=form.cleaned_data["terms"].splitlines(),
                    threshold=form.cleaned_data["threshold"],
                    request=request,
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The watchlist was saved."))
                return HttpResponseRedirect(reverse("opinion:watchlists"))
        status = 400
    return render(
        request,
        "opinion/watchlists.html",
        {"active": "watchlists", "form": form, "watchlists": Watchlist.objects.filter(owner=user)},
        status=status,
    )


@login_required
@require_POST
def watchlist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _analyst(request)
    services.watchlist_delete(user, pk, request=request)
    messages.success(request, _("The watchlist was deleted."))
    return HttpResponseRedirect(reverse("opinion:watchlists"))
