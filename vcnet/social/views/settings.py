"""The person's social settings: blocked and muted people, muted words."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.social.selectors import actors as actor_selectors
from vcnet.social.services import graph
from vcnet.social.services.actors import actor_for_user

DURATIONS = [
    ("", gettext_lazy("For ever")),
    ("86400", gettext_lazy("1 day")),
    ("604800", gettext_lazy("7 days")),
    ("2592000", gettext_lazy("30 days")),
]


class MutedWordForm(forms.Form):
    """Mute a word or phrase."""

    phrase = forms.CharField(label=gettext_lazy("Word or phrase"), max_length=100)
    whole_word = forms.BooleanField(
        label=gettext_lazy("Whole word only"), required=False, initial=True
    )
    duration = forms.ChoiceField(label=gettext_lazy("For"), choices=DURATIONS, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Blocked people, muted people and muted words, with the form to mute a word."""
    user = cast(User, request.user)
    me = actor_for_user(user)
    form = MutedWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            graph.muted_word_add(
                user=user,
                phrase=data["phrase"],
                whole_word=data["whole_word"],
                duration=int(data["duration"]) if data["duration"] else None,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Posts with this word will be hidden."))
            return redirect("social:settings")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "social/settings/index.html",
        {
            "tab": "settings",
            "form": form,
            "blocks": list(actor_selectors.blocks_of(me)),
            "mutes": list(actor_selectors.mutes_of(me)),
            "words": actor_selectors.muted_words(me),
        },
        status=status,
    )


@login_required
@require_POST
def word_remove(request: HttpRequest, word_id: int) -> HttpResponse:
    """Stop hiding posts with a muted word."""
    graph.muted_word_remove(user=cast(User, request.user), word_id=word_id)
    messages.success(request, _("The word is no longer muted."))
    return redirect("social:settings")


@login_required
@require_POST
def unblock(request: HttpRequest, actor_id: int) -> HttpResponse:
    """Lift a block from the settings page."""
    graph.block_delete(user=cast(User, request.user), target_id=actor_id, request=request)
    messages.success(request, _("The block was lifted."))
    return redirect("social:settings")


@login_required
@require_POST
def unmute(request: HttpRequest, actor_id: int) -> HttpResponse:
    """Show a muted person's posts again."""
    try:
        graph.mute_delete(user=cast(User, request.user), target_id=actor_id)
    except DomainError as exc:
        raise NotFound(_("This profile does not exist.")) from exc
    messages.success(request, _("The person is no longer muted."))
    return redirect("social:settings")
