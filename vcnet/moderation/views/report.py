"""Reporting a post, a profile or a group: the reasons as radio buttons and optional details.
Without JavaScript the form posts and returns to where the reader was; under htmx the form
swaps itself for the thank-you note."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from vcnet.core.errors import DomainError, NotFound
from vcnet.moderation import services
from vcnet.moderation.forms import ReportForm
from vcnet.moderation.models import TargetKind
from vcnet.moderation.views.common import form_error, nav, refused, signed_in
from vcnet.social.access import group_for_user, post_for_user
from vcnet.social.models import Actor, Group, Post
from vcnet.social.services.actors import actor_get
from vcnet.social.views.web import is_htmx, next_url

THANKS = gettext_lazy("Thank you. Moderators will review your report.")


def _item(user: Any, kind: str, target_id: int) -> models.Model:
    """The item being reported, if the reader can see it (NotFound otherwise)."""
    if kind == TargetKind.POST:
        post = post_for_user(user, target_id)
        return post_for_user(user, post.reblog_of_id) if post.reblog_of_id else post
    if kind == TargetKind.PROFILE:
        return actor_get(target_id)
    if kind == TargetKind.GROUP:
        return group_for_user(user, target_id)
    raise NotFound(_("Only posts, profiles and groups can be reported."))


def _item_url(item: models.Model) -> str:
    if isinstance(item, Post):
        return reverse("social:post", args=[item.pk])
    if isinstance(item, Actor):
        return reverse("social:profile", args=[item.handle])
    if isinstance(item, Group):
        return reverse("social:group", args=[item.slug])
    return reverse("social:home")


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Report what one can see; one report per person per case, merged with the others'."""
    user = signed_in(request)
    item = _item(user, kind, target_id)
    back = next_url(request, _item_url(item))
    reasons = services.reason_choices()
    form = ReportForm(request.POST or None, reasons=reasons)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_create(
                    user=user,
                    target_kind=kind,
                    target_id=item.pk,
                    reason_code=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                    request=request,
                )
            except DomainError as exc:
                if refused(exc):
                    raise
                form_error(form, exc)
            else:
                if is_htmx(request):
                    return render(
                        request, "moderation/_report_done.html", {"message": THANKS, "back": back}
                    )
                messages.success(request, str(THANKS))
                return redirect(back)
        status = 200 if is_htmx(request) else 400  # htmx swaps only 2xx answers
    context = {
        "form": form,
        "kind": kind,
        "item": item,
        "item_url": _item_url(item),
        "reasons": reasons,
        "back": back,
        "action_url": request.get_full_path(),
        **nav(user, "report"),
    }
    template = "moderation/_report_form.html" if is_htmx(request) else "moderation/report.html"
    return render(request, template, context, status=status)
